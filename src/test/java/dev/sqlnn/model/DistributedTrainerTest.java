package dev.sqlnn.model;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.data.JdbcDatasetReader;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.options.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The distributed training's driver logic on parts held in this JVM: one part trains exactly as one table. */
class DistributedTrainerTest {

    private static final TrainingListener QUIET = new TrainingListener() {
        @Override
        public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        }

        @Override
        public void onEpoch(EpochStats stats) {
        }
    };

    @Test
    void onePartTrainsExactlyAsOneTable() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            IdxReader.Digits digits = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", digits.images(), digits.labels());
            for (String options : List.of("{\"hidden\":[32],\"epochs\":2,\"seed\":5}",
                    "{\"hidden\":[16],\"epochs\":2,\"seed\":5,\"scale\":\"standard\",\"validation_fraction\":0.2}")) {
                TrainingOptions parsed = TrainingOptions.parse(options);
                TrainedModel single;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT image, label FROM digits ORDER BY id")) {
                    single = ModelTrainer.train(rs, parsed, QUIET);
                }
                TrainedModel distributed;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT image, label FROM digits ORDER BY id")) {
                    var part = JdbcDatasetReader.readPart(rs, null, null);
                    distributed = DistributedTrainer.train(new LocalPartitions<>(List.of(part)), parsed,
                            DistributedTrainer.Sync.defaults(), parsed.threads(), QUIET);
                }
                assertEquals(single.model().preprocessing().scaling(), distributed.model().preprocessing().scaling());
                assertArrayEquals(single.model().preprocessing().shift(), distributed.model().preprocessing().shift());
                assertArrayEquals(single.model().preprocessing().factor(), distributed.model().preprocessing().factor());
                assertEquals(single.epochs().get(0).trainLoss(), distributed.epochs().get(0).trainLoss(), options);
                assertArrayEquals(ModelCodec.encode(single.model()), ModelCodec.encode(distributed.model()), options);
                assertEquals(single.metricsJson(), distributed.metricsJson());
            }
        }
    }
}

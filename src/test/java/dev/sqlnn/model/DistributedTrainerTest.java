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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static List<dev.sqlnn.data.DatasetPart> parts(Connection c, String query, int parts) throws Exception {
        List<dev.sqlnn.data.DatasetPart> list = new java.util.ArrayList<>();
        for (int p = 0; p < parts; p++) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query.replace("$P", Integer.toString(p))
                    .replace("$N", Integer.toString(parts)))) {
                list.add(JdbcDatasetReader.readPart(rs, null, null));
            }
        }
        return list;
    }

    @Test
    void aPartitioningGivesTheSameModelEveryTimeAndPartsMayHoldOneClassEach() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INT, a DOUBLE, b DOUBLE, y VARCHAR(5))");
                s.execute("INSERT INTO t SELECT x, SIN(x), COS(x * 0.7), CASE WHEN SIN(x) > COS(x * 0.7) THEN 'up' ELSE 'down' END"
                        + " FROM SYSTEM_RANGE(1, 600)");
            }
            TrainingOptions options = TrainingOptions.parse("{\"hidden\":[8],\"epochs\":30,\"early_stopping\":3,\"seed\":2}");
            // Partitioned by the label: each part holds one class; the classes are the table's.
            List<dev.sqlnn.data.DatasetPart> byLabel = parts(c,
                    "SELECT a, b, y FROM t WHERE y = CASE WHEN $P = 0 THEN 'down' ELSE 'up' END ORDER BY id", 2);
            TrainedModel first = DistributedTrainer.train(new LocalPartitions<>(byLabel), options,
                    DistributedTrainer.Sync.defaults(), 1, QUIET);
            TrainedModel again = DistributedTrainer.train(new LocalPartitions<>(byLabel), options,
                    DistributedTrainer.Sync.defaults(), 1, QUIET);
            assertEquals(List.of("down", "up"), first.model().classes());
            assertArrayEquals(ModelCodec.encode(first.model()), ModelCodec.encode(again.model()), "reproducible");

            List<dev.sqlnn.data.DatasetPart> mixed = parts(c, "SELECT a, b, y FROM t WHERE MOD(id, $N) = $P ORDER BY id", 3);
            for (DistributedTrainer.Mode mode : DistributedTrainer.Mode.values()) {
                TrainedModel m = DistributedTrainer.train(new LocalPartitions<>(mixed), options,
                        new DistributedTrainer.Sync(mode, 4), 1, QUIET);
                assertTrue(m.score() > 0.9, mode + ": " + m.metricsJson());
                // Early stopping across parts: the kept epoch has the lowest validation loss of all, and at
                // most `early_stopping` epochs ran after it.
                int best = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.metricsJson()).get("best_epoch").asInt();
                double lowest = m.epochs().stream().mapToDouble(EpochStats::validationLoss).min().orElseThrow();
                assertEquals(lowest, m.epochs().get(best - 1).validationLoss(), mode + ": " + m.metricsJson());
                assertTrue(m.epochs().size() - best <= 3, mode + ": " + m.metricsJson());
            }
        }
    }

    /**
     * The learning-rate schedule, L1 and clipping across parts: one part trains exactly as {@code ML_TRAIN}
     * (the rates each epoch reports too); with dropout and three parts, in both modes, every epoch runs at
     * the schedule's rate and the same partitioning gives the same model again.
     */
    @Test
    void schedulesAndRegularisationApplyAcrossParts() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INT, a DOUBLE, b DOUBLE, y VARCHAR(5))");
                s.execute("INSERT INTO t SELECT x, SIN(x), COS(x * 0.7), CASE WHEN SIN(x) > COS(x * 0.7) THEN 'up' ELSE 'down' END"
                        + " FROM SYSTEM_RANGE(1, 600)");
            }
            TrainingOptions options = TrainingOptions.parse("{\"hidden\":[8],\"epochs\":4,\"seed\":3,\"learning_rate\":0.01,"
                    + "\"warmup_epochs\":1,\"lr_schedule\":{\"type\":\"step\",\"every\":1,\"factor\":0.5},\"l1\":1e-4,"
                    + "\"gradient_clip\":0.5}");
            TrainedModel single;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT a, b, y FROM t ORDER BY id")) {
                single = ModelTrainer.train(rs, options, QUIET);
            }
            TrainedModel onePart = DistributedTrainer.train(new LocalPartitions<>(parts(c, "SELECT a, b, y FROM t ORDER BY id", 1)),
                    options, DistributedTrainer.Sync.defaults(), options.threads(), QUIET);
            assertArrayEquals(ModelCodec.encode(single.model()), ModelCodec.encode(onePart.model()));
            double[] rates = {0.005, 0.01, 0.005, 0.0025};
            assertArrayEquals(rates, single.epochs().stream().mapToDouble(EpochStats::learningRate).toArray(), 1e-15);
            assertArrayEquals(rates, onePart.epochs().stream().mapToDouble(EpochStats::learningRate).toArray(), 1e-15);

            TrainingOptions dropout = TrainingOptions.parse("{\"hidden\":[16],\"epochs\":6,\"seed\":3,\"learning_rate\":0.02,"
                    + "\"dropout\":0.3,\"lr_schedule\":\"exponential\"}");
            List<dev.sqlnn.data.DatasetPart> mixed = parts(c, "SELECT a, b, y FROM t WHERE MOD(id, $N) = $P ORDER BY id", 3);
            for (DistributedTrainer.Mode mode : DistributedTrainer.Mode.values()) {
                DistributedTrainer.Sync sync = new DistributedTrainer.Sync(mode, 4);
                TrainedModel m = DistributedTrainer.train(new LocalPartitions<>(mixed), dropout, sync, 1, QUIET);
                TrainedModel again = DistributedTrainer.train(new LocalPartitions<>(mixed), dropout, sync, 1, QUIET);
                assertArrayEquals(ModelCodec.encode(m.model()), ModelCodec.encode(again.model()), mode + ": reproducible");
                for (EpochStats e : m.epochs()) {
                    assertEquals(0.02 * Math.pow(0.95, e.epoch() - 1), e.learningRate(), 1e-15, mode + " epoch " + e.epoch());
                }
                assertTrue(m.score() > 0.8, mode + ": " + m.metricsJson());
            }
        }
    }

    /**
     * {@code class_weight} applies across parts as on one table: one part trains exactly as
     * {@code ML_TRAIN} with the same weights, and {@code balanced} counts every part's rows, so parts
     * that hold one class each give the model of the explicit weights that those counts make.
     */
    @Test
    void classWeightsAreTheTablesWhereverItsRowsAre() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INT, a DOUBLE, b DOUBLE, y VARCHAR(5))");
                s.execute("INSERT INTO t SELECT x, SIN(x), COS(x * 0.7), CASE WHEN SIN(x) > COS(x * 0.7) + 0.8 THEN 'up'"
                        + " ELSE 'down' END FROM SYSTEM_RANGE(1, 600)");
            }
            String query = "SELECT a, b, y FROM t ORDER BY id";
            for (String options : List.of("{\"hidden\":[8],\"epochs\":3,\"seed\":2,\"class_weight\":\"balanced\"}",
                    "{\"hidden\":[8],\"epochs\":3,\"seed\":2,\"class_weight\":{\"up\":4.5}}")) {
                TrainingOptions parsed = TrainingOptions.parse(options);
                TrainedModel single;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
                    single = ModelTrainer.train(rs, parsed, QUIET);
                }
                TrainedModel distributed = DistributedTrainer.train(new LocalPartitions<>(parts(c, query, 1)), parsed,
                        DistributedTrainer.Sync.defaults(), parsed.threads(), QUIET);
                assertArrayEquals(ModelCodec.encode(single.model()), ModelCodec.encode(distributed.model()), options);
                assertEquals(single.metricsJson(), distributed.metricsJson(), options);
            }

            long up = 0, down = 0;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FILTER (WHERE y = 'up'),"
                    + " COUNT(*) FILTER (WHERE y = 'down') FROM t")) {
                rs.next();
                up = rs.getLong(1);
                down = rs.getLong(2);
            }
            assertTrue(up > 30 && up < 300, up + " rows of class up: the table should be imbalanced");
            String explicit = "{\"down\":" + 600.0 / (2.0 * down) + ",\"up\":" + 600.0 / (2.0 * up) + "}";
            List<dev.sqlnn.data.DatasetPart> byLabel = parts(c,
                    "SELECT a, b, y FROM t WHERE y = CASE WHEN $P = 0 THEN 'down' ELSE 'up' END ORDER BY id", 2);
            for (DistributedTrainer.Mode mode : DistributedTrainer.Mode.values()) {
                DistributedTrainer.Sync sync = new DistributedTrainer.Sync(mode, 2);
                TrainedModel balanced = DistributedTrainer.train(new LocalPartitions<>(byLabel), TrainingOptions.parse(
                        "{\"hidden\":[8],\"epochs\":3,\"seed\":2,\"class_weight\":\"balanced\"}"), sync, 1, QUIET);
                TrainedModel given = DistributedTrainer.train(new LocalPartitions<>(byLabel), TrainingOptions.parse(
                        "{\"hidden\":[8],\"epochs\":3,\"seed\":2,\"class_weight\":" + explicit + "}"), sync, 1, QUIET);
                TrainedModel unweighted = DistributedTrainer.train(new LocalPartitions<>(byLabel), TrainingOptions.parse(
                        "{\"hidden\":[8],\"epochs\":3,\"seed\":2}"), sync, 1, QUIET);
                assertArrayEquals(ModelCodec.encode(given.model()), ModelCodec.encode(balanced.model()), mode + " " + explicit);
                assertTrue(!java.util.Arrays.equals(ModelCodec.encode(unweighted.model()), ModelCodec.encode(balanced.model())),
                        mode + ": the weights changed nothing");
            }

            var regression = parts(c, "SELECT a, b, a + b FROM t ORDER BY id", 2);
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.sqlnn.options.OptionsException.class,
                    () -> DistributedTrainer.train(new LocalPartitions<>(regression),
                            TrainingOptions.parse("{\"epochs\":1,\"class_weight\":\"balanced\"}"),
                            DistributedTrainer.Sync.defaults(), 1, QUIET));
            assertTrue(e.getMessage().contains("'class_weight' needs classes"), e.getMessage());
            e = org.junit.jupiter.api.Assertions.assertThrows(dev.sqlnn.options.OptionsException.class,
                    () -> DistributedTrainer.train(new LocalPartitions<>(byLabel),
                            TrainingOptions.parse("{\"epochs\":1,\"class_weight\":{\"sideways\":2}}"),
                            DistributedTrainer.Sync.defaults(), 1, QUIET));
            assertTrue(e.getMessage().contains("names class \"sideways\""), e.getMessage());
        }
    }

    @Test
    void aRegressionOnNumericColumnsFitsItsScalingAcrossParts() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INT, a DOUBLE, b DOUBLE, y DOUBLE)");
                s.execute("INSERT INTO t SELECT x, x * 10.0, MOD(x, 7), 1000 + 3 * x - 20 * MOD(x, 7) FROM SYSTEM_RANGE(1, 900)");
            }
            TrainingOptions options = TrainingOptions.parse("{\"hidden\":[16],\"epochs\":60,\"seed\":4}");
            TrainedModel whole = DistributedTrainer.train(new LocalPartitions<>(parts(c, "SELECT a, b, y FROM t ORDER BY id", 1)),
                    options, DistributedTrainer.Sync.defaults(), 1, QUIET);
            TrainedModel split = DistributedTrainer.train(new LocalPartitions<>(parts(c,
                    "SELECT a, b, y FROM t WHERE id <= 300 * ($P + 1) AND id > 300 * $P ORDER BY id", 3)),
                    options, DistributedTrainer.Sync.defaults(), 1, QUIET);
            // Parts cut by range hold different means: fitted across them, the scaling is the table's.
            assertArrayEquals(whole.model().preprocessing().shift(), split.model().preprocessing().shift(), 1e-3f);
            assertArrayEquals(whole.model().preprocessing().factor(), split.model().preprocessing().factor(), 1e-6f);
            assertEquals(whole.model().targetShift(), split.model().targetShift(), 1e-9);
            assertEquals(whole.model().targetScale(), split.model().targetScale(), 1e-9);
            assertTrue(split.score() > 0.95, "R² " + split.metricsJson());
        }
    }

    @Test
    void partsThatDisagreeOrAreAllEmptyAreClearErrors() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(f DOUBLE ARRAY, y INT)");
                s.execute("INSERT INTO t VALUES (ARRAY[1, 2], 0), (ARRAY[2, 1], 1), (ARRAY[1, 2, 3], 0), (ARRAY[3, 2, 1], 1)");
            }
            TrainingOptions options = TrainingOptions.parse("{\"epochs\":1}");
            var widths = parts(c, "SELECT f, y FROM t WHERE CARDINALITY(f) = 2 + $P", 2);
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.sqlnn.data.DataException.class,
                    () -> DistributedTrainer.train(new LocalPartitions<>(widths), options, DistributedTrainer.Sync.defaults(), 1, QUIET));
            assertTrue(e.getMessage().contains("differ in width"), e.getMessage());
            var empty = parts(c, "SELECT f, y FROM t WHERE $P < 0", 2);
            e = org.junit.jupiter.api.Assertions.assertThrows(dev.sqlnn.data.DataException.class,
                    () -> DistributedTrainer.train(new LocalPartitions<>(empty), options, DistributedTrainer.Sync.defaults(), 1, QUIET));
            assertTrue(e.getMessage().contains("the training rows are empty"), e.getMessage());
            var rows = parts(c, "SELECT f, y FROM t WHERE CARDINALITY(f) = 2 + $P", 1);
            var warm = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                    () -> DistributedTrainer.train(new LocalPartitions<>(rows), TrainingOptions.parse("{\"warm_start\":true}"),
                            DistributedTrainer.Sync.defaults(), 1, QUIET));
            assertTrue(warm.getMessage().contains("not supported by spark train yet"), warm.getMessage());
        }
    }
}

package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlnn.options.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_TRAIN} without {@code epochs}: it stops by itself when the held-out loss has not improved
 * for {@link TrainingOptions#AUTO_PATIENCE} epochs, within a budget ({@link TrainingOptions#maxEpochs}),
 * and keeps the best epoch's network; {@code epochs} given runs exactly that many; without held-out
 * rows there is nothing to watch, and the budget runs out.
 */
class AutoEpochsSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "SELECT a, b, y FROM noisy";

    /** The blobs of {@link #createBlobs} with three times the spread: they overlap, so the held-out loss bottoms out. */
    private void createNoisyBlobs(String table, int rows, long seed) throws SQLException {
        execute("CREATE TABLE " + table + " (A DOUBLE PRECISION, B DOUBLE PRECISION, Y INT)");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                int y = i % 3;
                insert.setDouble(1, CENTRES[y][0] + 1.5 * random.nextGaussian());
                insert.setDouble(2, CENTRES[y][1] + 1.5 * random.nextGaussian());
                insert.setInt(3, y);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private JsonNode metrics(String model) throws Exception {
        return JSON.readTree((byte[]) value("SELECT metrics FROM SQLNN.MODELS WHERE name = ?", model));
    }

    /** {EPOCH, VALIDATION_LOSS} of each logged epoch, in order. */
    private List<Object[]> log(String model) throws SQLException {
        return rows("SELECT epoch, validation_loss FROM ML_TRAINING_INFO(?) ORDER BY epoch", model);
    }

    /**
     * 600 rows: a budget of 200 epochs. Seen: the held-out loss bottoms out at epoch 28 of 38. The kept
     * network is that epoch's: the metrics, measured on the held-out rows after training, give its
     * logged validation loss back.
     */
    @Test
    void withoutEpochsTheTrainingStopsByItselfAndKeepsTheBestEpoch() throws Exception {
        createNoisyBlobs("noisy", 600, 5);
        train("auto", QUERY, "{\"hidden\":[32],\"learning_rate\":0.01}");
        JsonNode m = metrics("auto");
        List<Object[]> log = log("auto");
        int budget = TrainingOptions.defaults().maxEpochs(600);
        assertEquals(200, budget);
        int run = m.get("epochs_run").asInt();
        int best = m.get("best_epoch").asInt();
        assertEquals(run, log.size(), m::toString);
        assertTrue(run < budget, () -> "stopped by itself: " + m);
        assertEquals(TrainingOptions.AUTO_PATIENCE, run - best, () -> "stopped after the patience: " + m);
        double lowest = log.stream().mapToDouble(r -> (Double) r[1]).min().orElseThrow();
        assertEquals(lowest, (Double) log.get(best - 1)[1], () -> "the kept epoch is the lowest: " + m);
        assertEquals(lowest, m.get("validation_loss").asDouble(), m::toString);
        assertEquals(lowest, m.get("log_loss").asDouble(), 1e-6, () -> "the kept network is the best epoch's: " + m);
        assertEquals("validation", m.get("evaluated_on").asText());

        // early_stopping without epochs: its patience instead of 10
        train("patient", QUERY, "{\"hidden\":[32],\"learning_rate\":0.01,\"early_stopping\":3}");
        JsonNode p = metrics("patient");
        assertEquals(3, p.get("epochs_run").asInt() - p.get("best_epoch").asInt(), p::toString);
    }

    /** Epochs given: exactly that many, whatever the held-out loss does, and the last epoch's network. */
    @Test
    void epochsGivenRunExactlyThatMany() throws Exception {
        createNoisyBlobs("noisy", 600, 5);
        train("fixed", QUERY, "{\"hidden\":[32],\"learning_rate\":0.01,\"epochs\":45}");
        JsonNode m = metrics("fixed");
        assertEquals(45, log("fixed").size());
        assertEquals(45, m.get("epochs_run").asInt());
        assertEquals(45, m.get("best_epoch").asInt());
    }

    /** No held-out rows: no loss to watch, so the training runs its whole budget, judged on its training rows. */
    @Test
    void withoutHeldOutRowsTheBudgetRunsOut() throws Exception {
        createNoisyBlobs("noisy", 600, 5);
        train("all", QUERY, "{\"hidden\":[8],\"learning_rate\":0.01,\"validation_fraction\":0}");
        JsonNode m = metrics("all");
        int budget = TrainingOptions.defaults().maxEpochs(600);
        assertEquals(budget, log("all").size());
        assertEquals(budget, m.get("epochs_run").asInt());
        assertEquals(budget, m.get("best_epoch").asInt());
        assertEquals("training", m.get("evaluated_on").asText());
    }
}

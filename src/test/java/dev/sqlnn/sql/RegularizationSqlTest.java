package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activations, regularisation and learning-rate schedules of issue 15 through {@code ML_TRAIN}, on
 * the blobs: each activation trains and predicts; dropout trains and is off at prediction; a schedule's
 * rates in {@code ML_TRAINING_INFO} follow its formula; {@code gradient_clip} bounds a step; bad values
 * are {@code 22023}, with nothing written.
 */
class RegularizationSqlTest extends SqlTestSupport {

    private static final String BLOBS = "SELECT a, b, y FROM blobs";

    @ParameterizedTest
    @ValueSource(strings = {"leaky_relu", "elu", "selu", "gelu", "softplus"})
    void everyNewActivationTrainsAndPredicts(String activation) throws SQLException {
        createBlobs("blobs", 300, 1);
        train("m", BLOBS, "{\"hidden\":[16],\"epochs\":15,\"learning_rate\":0.01,\"activation\":\"" + activation + "\"}");
        assertTrue(accuracy("m") >= 0.9, activation + ": accuracy " + accuracy("m"));
        for (int c = 0; c < CENTRES.length; c++) {
            assertEquals(c, value("SELECT PREDICT('m', " + array(CENTRES[c]) + ")"), activation + " at centre " + c);
        }
        assertTrue(storedOptions("m").contains("\"activation\":\"" + activation + "\""));
    }

    /**
     * Dropout changes the training (other weights than without it, from the same seed), and the same seed
     * gives the same weights again; at prediction it is off: a row scores the same every time, and
     * ML_EVALUATE's accuracy is that of the model's own predictions.
     */
    @Test
    void dropoutTrainsAndIsOffAtPrediction() throws SQLException {
        createBlobs("blobs", 300, 2);
        String options = "{\"hidden\":[32,16],\"epochs\":20,\"learning_rate\":0.01,\"seed\":5";
        train("dropped", BLOBS, options + ",\"dropout\":[0.5,0.2]}");
        train("again", BLOBS, options + ",\"dropout\":[0.5,0.2]}");
        train("plain", BLOBS, options + "}");

        assertEquals(weights("dropped"), weights("again"), "same seed, data and threads: the same model");
        assertFalse(weights("dropped").equals(weights("plain")), "dropout must change the training");
        assertTrue(accuracy("dropped") >= 0.9, "accuracy " + accuracy("dropped"));

        float[] first = floats(value("SELECT PREDICT_PROBA('dropped', ARRAY[0.5, 1])"));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(first, floats(value("SELECT PREDICT_PROBA('dropped', ARRAY[0.5, 1])")));
        }
        long rows = count("SELECT COUNT(*) FROM blobs");
        long right = count("SELECT COUNT(*) FROM blobs WHERE PREDICT('dropped', ARRAY[a, b]) = y");
        assertEquals((double) right / rows, accuracy("dropped", BLOBS), 1e-12);
        assertTrue(storedOptions("dropped").contains("\"dropout\":[0.5,0.2]"), storedOptions("dropped"));
    }

    /** A single rate applies to every hidden layer, and the stored options say so. */
    @Test
    void oneDropoutRateIsEveryHiddenLayers() throws SQLException {
        createBlobs("blobs", 90, 3);
        train("m", BLOBS, "{\"hidden\":[8,8,4],\"epochs\":2,\"dropout\":0.25,\"l1\":0.0001,\"gradient_clip\":5}");
        String options = storedOptions("m");
        assertTrue(options.contains("\"dropout\":[0.25,0.25,0.25],\"gradient_clip\":5.0"), options);
        assertTrue(options.contains("\"l1\":0.0001"), options);
    }

    /** Step with warm-up: epochs 1-2 at η·k/3, then η·0.5^⌊t/2⌋. */
    @Test
    void stepScheduleWithWarmupFollowsItsFormula() throws SQLException {
        createBlobs("blobs", 60, 4);
        train("m", BLOBS, "{\"hidden\":[4],\"epochs\":8,\"learning_rate\":0.01,\"warmup_epochs\":2,"
                + "\"lr_schedule\":{\"type\":\"step\",\"every\":2,\"factor\":0.5}}");
        double[] rates = rates("m");
        assertEquals(8, rates.length);
        for (int k = 1; k <= 8; k++) {
            double expected = k <= 2 ? 0.01 * k / 3 : 0.01 * Math.pow(0.5, (k - 3) / 2);
            assertEquals(expected, rates[k - 1], 1e-15, "epoch " + k);
        }
    }

    @Test
    void cosineAndExponentialFollowTheirFormulas() throws SQLException {
        createBlobs("blobs", 60, 5);
        train("cosine", BLOBS, "{\"hidden\":[4],\"epochs\":6,\"learning_rate\":0.02,"
                + "\"lr_schedule\":{\"type\":\"cosine\",\"min\":0.001}}");
        train("exponential", BLOBS, "{\"hidden\":[4],\"epochs\":5,\"learning_rate\":0.02,\"lr_schedule\":\"exponential\"}");
        train("constant", BLOBS, "{\"hidden\":[4],\"epochs\":3,\"learning_rate\":0.02}");
        double[] cosine = rates("cosine");
        for (int t = 0; t < 6; t++) {
            assertEquals(0.001 + 0.019 * (1 + Math.cos(Math.PI * t / 6)) / 2, cosine[t], 1e-15, "cosine epoch " + (t + 1));
        }
        double[] exponential = rates("exponential");
        for (int t = 0; t < 5; t++) assertEquals(0.02 * Math.pow(0.95, t), exponential[t], 1e-15, "exponential epoch " + (t + 1));
        for (double rate : rates("constant")) assertEquals(0.02, rate);
    }

    /**
     * Reduce on plateau: the rate starts at η and only ever halves, after 2 epochs without a new best
     * held-out loss. Labels that the features do not predict (a pattern of the ids) make the held-out
     * loss stop improving soon (the blob is {@code id % 3}, the label {@code id / 3 % 3}).
     */
    @Test
    void reduceOnPlateauHalvesTheRateAfterEpochsWithoutImprovement() throws SQLException {
        createBlobs("blobs", 120, 6);
        train("m", "SELECT a, b, MOD(id / 3, 3) AS y FROM blobs", "{\"hidden\":[32],\"epochs\":30,\"learning_rate\":0.05,\"validation_fraction\":0.3,"
                + "\"lr_schedule\":{\"type\":\"reduce_on_plateau\",\"patience\":2,\"factor\":0.5}}");
        List<Object[]> log = rows("SELECT learning_rate, validation_loss FROM ML_TRAINING_INFO('m') ORDER BY epoch");
        double best = Double.POSITIVE_INFINITY;
        int without = 0;
        double rate = 0.05;
        int reductions = 0;
        for (Object[] row : log) {
            assertEquals(rate, ((Number) row[0]).doubleValue(), 1e-15);
            double loss = ((Number) row[1]).doubleValue();
            if (loss < best) {
                best = loss;
                without = 0;
            } else if (++without >= 2) {
                rate *= 0.5;
                without = 0;
                reductions++;
            }
        }
        assertTrue(reductions > 0, "30 epochs at 0.05 should plateau at least once");
    }

    /**
     * One plain SGD step (all 60 rows in one batch) moves the parameters by the rate times the clipped
     * gradient: with rate 1 and gradient_clip 0.01, by at most 0.01 in L2 norm, where without the clip they
     * move further. The starting point is the same seed's network after a step of rate 1e-30.
     */
    @Test
    void gradientClipBoundsTheStep() throws SQLException {
        createBlobs("blobs", 60, 7);
        String options = "{\"hidden\":[8],\"epochs\":1,\"batch_size\":64,\"validation_fraction\":0,\"optimizer\":\"sgd\",\"seed\":9";
        train("start", BLOBS, options + ",\"learning_rate\":1e-30}");
        train("clipped", BLOBS, options + ",\"learning_rate\":1,\"gradient_clip\":0.01}");
        train("free", BLOBS, options + ",\"learning_rate\":1}");
        double clipped = distance(weights("start"), weights("clipped"));
        double free = distance(weights("start"), weights("free"));
        assertTrue(clipped <= 0.01 * (1 + 1e-4), "clipped step " + clipped);
        assertTrue(clipped > 0.0099, "a gradient longer than the clip is scaled to it; step " + clipped);
        assertTrue(free > 0.05, "unclipped step " + free);
    }

    @Test
    void badValuesAreRefusedAndNothingIsWritten() throws SQLException {
        createBlobs("blobs", 30, 8);
        assertTrainingFails("22023", BLOBS, "{\"dropout\":1.0}", "option 'dropout' must be a rate in [0, 1)", "got 1.0");
        assertTrainingFails("22023", BLOBS, "{\"hidden\":[8,4],\"dropout\":[0.1]}",
                "option 'dropout' must have one rate per hidden layer", "hidden [8, 4] has 2 layers", "got 1 rate [0.1]");
        assertTrainingFails("22023", BLOBS, "{\"hidden\":[],\"dropout\":0.1}", "option 'dropout'", "hidden is []");
        assertTrainingFails("22023", BLOBS, "{\"l1\":-0.1}", "option 'l1' must be a non-negative number; got -0.1");
        assertTrainingFails("22023", BLOBS, "{\"gradient_clip\":0}", "option 'gradient_clip' must be a positive number",
                "got 0.0");
        assertTrainingFails("22023", BLOBS, "{\"lr_schedule\":\"triangle\"}", "option 'lr_schedule'",
                "step, exponential, cosine, reduce_on_plateau", "got \"triangle\"");
        assertTrainingFails("22023", BLOBS, "{\"lr_schedule\":{\"type\":\"step\",\"gamma\":0.1}}",
                "unknown key 'gamma' in option 'lr_schedule'", "every, factor");
        assertTrainingFails("22023", BLOBS, "{\"lr_schedule\":{\"type\":\"exponential\",\"factor\":1.5}}",
                "option 'lr_schedule.factor' must be a number in (0, 1); got 1.5");
        assertTrainingFails("22023", BLOBS, "{\"lr_schedule\":\"cosine\"}", "cosine", "give 'epochs'");
        assertTrainingFails("22023", BLOBS, "{\"lr_schedule\":\"reduce_on_plateau\",\"validation_fraction\":0}",
                "reduce_on_plateau", "validation_fraction 0");
        assertTrainingFails("22023", BLOBS, "{\"epochs\":5,\"warmup_epochs\":5}",
                "option 'warmup_epochs' must be less than epochs", "got warmup_epochs 5 with epochs 5");
        assertTrainingFails("22023", BLOBS, "{\"activation\":\"swish\"}", "option 'activation'", "gelu, softplus",
                "got \"swish\"");
    }

    /** The options JSON kept with the model (H2 hands a JSON column out as its UTF-8 bytes). */
    private String storedOptions(String model) throws SQLException {
        return new String((byte[]) value("SELECT options FROM SQLNN.MODELS WHERE name = ?", model),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private double accuracy(String model) throws SQLException {
        return accuracy(model, BLOBS);
    }

    private double accuracy(String model, String query) throws SQLException {
        return ((Number) value("SELECT score FROM ML_EVALUATE(?, ?) WHERE metric = 'accuracy'", model, query)).doubleValue();
    }

    private double[] rates(String model) throws SQLException {
        return rows("SELECT learning_rate FROM ML_TRAINING_INFO(?) ORDER BY epoch", model).stream()
                .mapToDouble(r -> ((Number) r[0]).doubleValue()).toArray();
    }

    /** Every weight and bias, in a fixed order. */
    private List<Double> weights(String model) throws SQLException {
        return rows("SELECT weight FROM ML_WEIGHTS(?) ORDER BY layer, output_unit, input_unit NULLS FIRST", model)
                .stream().map(r -> ((Number) r[0]).doubleValue()).toList();
    }

    private static double distance(List<Double> a, List<Double> b) {
        double squares = 0;
        for (int i = 0; i < a.size(); i++) squares += (a.get(i) - b.get(i)) * (a.get(i) - b.get(i));
        return Math.sqrt(squares);
    }
}

package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_WEIGHTS(model[, version])} through JDBC: one row per parameter, numbered from 1, and
 * enough to compute the model's predictions by hand.
 */
class WeightsSqlTest extends SqlTestSupport {

    /** 2-3-3 with unscaled inputs: 2·3 + 3 + 3·3 + 3 = 21 parameters. */
    private static final String TINY = "{\"hidden\":[3],\"epochs\":5,\"learning_rate\":0.01,\"scale\":\"none\","
            + "\"validation_fraction\":0,\"deploy\":\"always\"}";

    @BeforeEach
    void tinyModel() throws SQLException {
        createBlobs("blobs", 300, 71);
        train("tiny", "SELECT a, b, y FROM blobs", TINY);
    }

    @Test
    void oneRowPerParameterNumberedFromOneWithNullInputUnitsForBiases() throws SQLException {
        String sql = "SELECT * FROM ML_WEIGHTS('tiny')";
        assertEquals(List.of("LAYER", "OUTPUT_UNIT", "INPUT_UNIT", "WEIGHT"), columnNames(sql));
        assertEquals(List.of("INTEGER", "INTEGER", "INTEGER", "REAL"), columnTypes(sql));
        assertEquals(21, count("SELECT COUNT(*) FROM ML_WEIGHTS('tiny')"));
        assertEquals(6, count("SELECT COUNT(*) FROM ML_WEIGHTS('tiny') WHERE input_unit IS NULL"), "a bias per unit");
        List<Object[]> shape = rows("SELECT layer, MIN(output_unit), MAX(output_unit), MIN(input_unit), MAX(input_unit),"
                + " COUNT(*) FROM ML_WEIGHTS('tiny') GROUP BY layer ORDER BY layer");
        assertEquals(List.of(1, 1, 3, 1, 2, 9L), List.of(shape.get(0)));
        assertEquals(List.of(2, 1, 3, 1, 3, 12L), List.of(shape.get(1)));
        assertEquals(0, count("SELECT COUNT(*) FROM (SELECT layer, output_unit, input_unit FROM ML_WEIGHTS('tiny')"
                + " GROUP BY layer, output_unit, input_unit HAVING COUNT(*) > 1)"), "every parameter once");
    }

    @Test
    void theWeightsReproducePredictProbaByHand() throws SQLException {
        // w[layer][input][output]; input 0 holds the bias.
        float[][][] w = {new float[3][3], new float[4][3]};
        for (Object[] row : rows("SELECT layer, output_unit, input_unit, weight FROM ML_WEIGHTS('tiny')")) {
            int input = row[2] == null ? 0 : (Integer) row[2];
            w[(Integer) row[0] - 1][input][(Integer) row[1] - 1] = (Float) row[3];
        }
        for (double[] point : new double[][] {CENTRES[0], CENTRES[1], CENTRES[2], {0.5, 0.5}, {-1, 2}, {4, -3}}) {
            double[] hidden = new double[3];
            for (int o = 0; o < 3; o++) {
                double z = w[0][0][o] + point[0] * w[0][1][o] + point[1] * w[0][2][o];
                hidden[o] = Math.max(0, z); // ReLU
            }
            double[] logits = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < 3; o++) {
                logits[o] = w[1][0][o];
                for (int i = 0; i < 3; i++) logits[o] += hidden[i] * w[1][i + 1][o];
                max = Math.max(max, logits[o]);
            }
            double sum = 0;
            for (int o = 0; o < 3; o++) sum += Math.exp(logits[o] - max);
            float[] proba = floats(value("SELECT PREDICT_PROBA('tiny', " + array(point) + ")"));
            for (int o = 0; o < 3; o++) {
                assertEquals(Math.exp(logits[o] - max) / sum, proba[o], 1e-5, "class " + o + " at " + array(point));
            }
        }
    }

    @Test
    void aVersionMayBeNamedAndTheDefaultIsTheDeployedOne() throws SQLException {
        train("tiny", "SELECT a, b, y FROM blobs", TINY.replace("\"epochs\":5", "\"epochs\":5,\"seed\":9"));
        String weights = "SELECT layer, output_unit, input_unit, weight FROM ML_WEIGHTS(%s) ORDER BY 1, 2, 3 NULLS FIRST";
        List<Object[]> first = rows(String.format(weights, "'tiny', 1"));
        List<Object[]> second = rows(String.format(weights, "'tiny', 2"));
        assertEquals(21, first.size());
        assertNotEquals(first.get(3)[3], second.get(3)[3], "another seed, other weights");
        assertRowsEqual(second, rows(String.format(weights, "'tiny'")), "version 2 is deployed");
        assertRowsEqual(second, rows(String.format(weights, "'tiny', NULL")), "NULL: the deployed version");
        value("SELECT ML_DEPLOY('tiny', 1)");
        assertRowsEqual(first, rows(String.format(weights, "'tiny'")), "version 1 is deployed now");
    }

    private static void assertRowsEqual(List<Object[]> expected, List<Object[]> actual, String message) {
        assertEquals(expected.size(), actual.size(), message);
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), message);
    }

    @Test
    void unknownModelsAndVersionsAre42704() throws SQLException {
        assertFails("42704", "ML_WEIGHTS", "SELECT * FROM ML_WEIGHTS('nope')", "model nope does not exist");
        assertFails("42704", "ML_WEIGHTS", "SELECT * FROM ML_WEIGHTS('tiny', 9)", "model tiny has no version 9",
                "versions: [1]");
        assertFails("22023", "ML_WEIGHTS", "SELECT * FROM ML_WEIGHTS('no good')", "a model name must be");
        assertTrue(rows("SELECT * FROM ML_WEIGHTS('tiny', 1) WHERE 1 = 0").isEmpty());
    }
}

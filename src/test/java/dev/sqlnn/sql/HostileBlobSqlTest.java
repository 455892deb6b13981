package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Model blobs through SQL that sqlnn did not write itself. The golden version 1 blob, inserted by plain
 * SQL, must keep loading and scoring in every later sqlnn.
 */
class HostileBlobSqlTest extends SqlTestSupport {

    private static final int VERSION_AT = 8;

    private static final String GOLDEN = "/dev/sqlnn/model/golden-v1.sqlnnmodel";
    private static final double[] GOLDEN_POINT = {1.0, -0.5, 2.5};

    // ---------------------------------------------------------------- the golden blob

    /**
     * The golden version 1 blob, inserted as a row by plain SQL, still loads and scores: every later
     * sqlnn must. Its model is documented in {@code ModelCodecTest.goldenModel()}; the expected
     * probabilities are worked out here by hand from those parameters, not by sqlnn.
     */
    @Test
    void theGoldenVersion1BlobScoresThroughSql() throws Exception {
        byte[] golden = golden();
        assertEquals(1, ByteBuffer.wrap(golden).order(ByteOrder.LITTLE_ENDIAN).getShort(VERSION_AT),
                "the golden blob is format version 1");
        insertGolden(golden);
        execute("CREATE TABLE birds (ID INT, \"wingspan\" DOUBLE PRECISION, \"beak\" DOUBLE PRECISION,"
                + " \"Höhe\" DOUBLE PRECISION, SPECIES VARCHAR(10))");
        execute("INSERT INTO birds VALUES (1, 1.0, -0.5, 2.5, 'bird'), (2, -3, 4, -8, 'Möwe'), (3, 0, 0, 0, 'bird')");

        double[][] points = {GOLDEN_POINT, {-3, 4, -8}, {0, 0, 0}};
        for (double[] x : points) {
            double[] p = goldenProbabilities(x);
            float[] proba = floats(value("SELECT PREDICT_PROBA('golden', " + sqlArray(x) + ")"));
            assertEquals(2, proba.length);
            assertEquals(p[0], proba[0], 1e-6, () -> "P(bird) at " + Arrays.toString(x));
            assertEquals(p[1], proba[1], 1e-6, () -> "P(Möwe) at " + Arrays.toString(x));
            // The output biases (1.5, -1.5) outweigh any hidden layer: the golden model always says bird.
            assertEquals("bird", value("SELECT PREDICT_LABEL('golden', " + sqlArray(x) + ")"));
        }
        assertFails("22023", "PREDICT", "SELECT PREDICT('golden', " + sqlArray(GOLDEN_POINT) + ")",
                "has text labels", "PREDICT_LABEL('golden'");

        List<Object[]> scored = rows(
                "SELECT ID, PREDICTION, PROBABILITY FROM ML_PREDICT('golden', 'SELECT * FROM birds') ORDER BY ID");
        assertEquals(3, scored.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("bird", scored.get(i)[1]);
            assertEquals(goldenProbabilities(points[i])[0], ((Number) scored.get(i)[2]).doubleValue(), 1e-6);
        }
        // Two of the three rows are labelled bird: the accuracy of a model that always says bird.
        Object accuracy = value("SELECT SCORE FROM ML_EVALUATE('golden', "
                + "'SELECT \"wingspan\", \"beak\", \"Höhe\", species FROM birds') WHERE METRIC = 'accuracy'");
        assertEquals(2.0 / 3, ((Number) accuracy).doubleValue(), 1e-12);

        // Its parameters, exactly as documented, in ML_WEIGHTS' order: by layer, by output unit, the bias first.
        List<Object[]> weights = rows("SELECT LAYER, OUTPUT_UNIT, INPUT_UNIT, WEIGHT FROM ML_WEIGHTS('golden')");
        assertEquals(expectedWeightRows(goldenNetworkSizes(), goldenWeights(), goldenBiases()), describe(weights));
    }

    private void insertGolden(byte[] golden) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO SQLNN.MODELS (NAME, VERSION, TASK,"
                + " INPUT_WIDTH, LAYERS, CLASSES, TRAIN_ROWS, TRAIN_SECONDS, DEPLOYED, WEIGHTS)"
                + " VALUES ('golden', 1, 'classification', 3, '3-4-2', JSON '[\"bird\",\"Möwe\"]', 0, 0, TRUE, ?)")) {
            insert.setBytes(1, golden);
            assertEquals(1, insert.executeUpdate());
        }
        execute("INSERT INTO SQLNN.DEPLOYMENTS (NAME, VERSION) VALUES ('golden', 1)");
    }

    /** {@code ARRAY[...]} of any width (SqlTestSupport's {@code array} is for the blobs' two coordinates). */
    private static String sqlArray(double[] x) {
        return "ARRAY" + Arrays.toString(x);
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = HostileBlobSqlTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, GOLDEN + " is missing from the test resources");
            return in.readAllBytes();
        }
    }

    private static int[] goldenNetworkSizes() {
        return new int[] {3, 4, 2};
    }

    /** {@code ModelCodecTest.goldenModel()}'s weights: w0[i] = (i - 6) / 8, w1[i] = ±(i + 1) / 16, + for even i. */
    private static float[][] goldenWeights() {
        float[] w0 = new float[12];
        for (int i = 0; i < w0.length; i++) w0[i] = (i - 6) / 8f;
        float[] w1 = new float[8];
        for (int i = 0; i < w1.length; i++) w1[i] = (i % 2 == 0 ? 1 : -1) * (i + 1) / 16f;
        return new float[][] {w0, w1};
    }

    private static float[][] goldenBiases() {
        return new float[][] {{0.125f, -0.25f, 0.375f, -0.5f}, {1.5f, -1.5f}};
    }

    /** The golden model by hand: standard scaling (x - shift) · factor, tanh, softmax over bird and Möwe. */
    private static double[] goldenProbabilities(double[] x) {
        double[] shift = {0.5, -1.25, 2};
        double[] factor = {2, 0.5, 0.25};
        float[][] w = goldenWeights();
        float[][] b = goldenBiases();
        double[] hidden = new double[4];
        for (int o = 0; o < 4; o++) {
            double z = b[0][o];
            for (int i = 0; i < 3; i++) z += (x[i] - shift[i]) * factor[i] * w[0][i * 4 + o];
            hidden[o] = Math.tanh(z);
        }
        double[] z = new double[2];
        for (int o = 0; o < 2; o++) {
            z[o] = b[1][o];
            for (int h = 0; h < 4; h++) z[o] += hidden[h] * w[1][h * 2 + o];
        }
        return softmax(z);
    }

    // ---------------------------------------------------------------- helpers

    /** ML_WEIGHTS' rows for these parameters (weights stored input-major), one line each. */
    private static String expectedWeightRows(int[] sizes, float[][] weights, float[][] biases) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l + 1 < sizes.length; l++) {
            int outputs = sizes[l + 1];
            for (int o = 0; o < outputs; o++) {
                sb.append(row(l + 1, o + 1, null, biases[l][o]));
                for (int i = 0; i < sizes[l]; i++) sb.append(row(l + 1, o + 1, i + 1, weights[l][i * outputs + o]));
            }
        }
        return sb.toString();
    }

    /** ML_WEIGHTS' rows as {@link #expectedWeightRows} writes them; a weight by its bits. */
    private static String describe(List<Object[]> rows) {
        StringBuilder sb = new StringBuilder();
        for (Object[] r : rows) {
            sb.append(row(((Number) r[0]).intValue(), ((Number) r[1]).intValue(),
                    r[2] == null ? null : ((Number) r[2]).intValue(), ((Number) r[3]).floatValue()));
        }
        return sb.toString();
    }

    private static String row(int layer, int output, Integer input, float weight) {
        return layer + "/" + output + "/" + input + "=" + Integer.toHexString(Float.floatToIntBits(weight)) + "\n";
    }

    private static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElseThrow();
        double[] e = Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }
}

package dev.sqlnn.sql;

import ai.onnxruntime.OrtException;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.onnx.MlpGraphs;
import dev.sqlnn.model.onnx.OnnxImporter;
import dev.sqlnn.model.onnx.OnnxRuntimeScores;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_IMPORT_ONNX} end to end: graphs built with ONNX's own protobuf classes (not by sqlnn) are
 * imported through SQL, stored as ordinary versions, and scored by {@code PREDICT_PROBA},
 * {@code PREDICT_VALUE} and {@code ML_PREDICT} with sqlnn's kernels, which must agree with ONNX
 * Runtime on the same graph and rows within {@link #TOLERANCE}.
 */
class OnnxImportSqlTest extends SqlTestSupport {

    static final double TOLERANCE = 1e-5;

    @Test
    void aDigitsMlpScoresTheTestDigitsAsOnnxRuntimeDoes() throws SQLException, OrtException {
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        assertEquals(2000, IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels()));
        byte[] onnx = MlpGraphs.mnistMlp(7);
        assertEquals(1L, importOnnx("digits_onnx", onnx));
        Object[] row = rows("SELECT TASK, LAYERS, INPUT_WIDTH, DEPLOYED, CLASSES, METRICS, TRAIN_ROWS, OPTIONS"
                + " FROM SQLNN.MODELS").get(0);
        assertEquals("classification", row[0]);
        assertEquals("784-128-10", row[1]);
        assertEquals(784, row[2]);
        assertEquals(true, row[3], "the first version of a model is deployed");
        assertEquals("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", new String((byte[]) row[4]));
        assertNull(row[5], "an imported model was measured on no rows");
        assertEquals(0L, row[6]);
        assertTrue(new String((byte[]) row[7]).contains("\"imported_from\":\"onnx\""));

        List<Object[]> images = rows("SELECT ID, IMAGE FROM DIGITS_TEST ORDER BY ID");
        byte[][] pixels = new byte[images.size()][];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte[]) images.get(i)[1];
        float[][] expected = OnnxRuntimeScores.ofBytes(onnx, pixels, 1, 28, 28);

        List<Object[]> probabilities = rows("SELECT PREDICT_PROBA('digits_onnx', IMAGE), PREDICT('digits_onnx', IMAGE)"
                + " FROM DIGITS_TEST ORDER BY ID");
        double worst = 0;
        for (int r = 0; r < pixels.length; r++) {
            float[] p = floats(probabilities.get(r)[0]);
            worst = Math.max(worst, maxDifference(expected[r], p));
            if (clearWinner(expected[r])) assertEquals(argMax(expected[r]), probabilities.get(r)[1], "PREDICT of row " + r);
        }
        assertTrue(worst <= TOLERANCE, "PREDICT_PROBA differs from ONNX Runtime by " + worst);

        List<Object[]> predicted = rows("SELECT ID, PREDICTION, PROBABILITY FROM ML_PREDICT('digits_onnx', "
                + "'SELECT ID, IMAGE FROM DIGITS_TEST') ORDER BY ID");
        assertEquals(2000, predicted.size());
        double worstBatch = 0;
        for (int r = 0; r < pixels.length; r++) {
            float[] e = expected[r];
            worstBatch = Math.max(worstBatch, Math.abs(e[argMax(e)] - ((Number) predicted.get(r)[2]).doubleValue()));
            if (clearWinner(e)) assertEquals(argMax(e), predicted.get(r)[1], "ML_PREDICT of row " + r);
        }
        assertTrue(worstBatch <= TOLERANCE, "ML_PREDICT's PROBABILITY differs from ONNX Runtime by " + worstBatch);
        System.out.printf("digits 784-128-10 on 2000 test digits: max |sqlnn - ORT| PREDICT_PROBA %.3g, ML_PREDICT %.3g%n",
                worst, worstBatch);
    }

    @Test
    void aTabularRegressionWithItsScalerPredictsOnnxRuntimesValues() throws SQLException, OrtException {
        float[] means = {50, -3, 0.5f, 1000, 7};
        float[] deviations = {10, 2, 0.1f, 250, 3};
        byte[] onnx = MlpGraphs.floatInput("x", 11, 5).perUnit("Sub", means).perUnit("Div", deviations)
                .matMulAdd(32).tanh().matMulAdd(16).tanh().matMulAdd(1).scalar("Mul", 20f).scalar("Add", 100f).bytes();
        assertEquals(1L, importOnnx("price", onnx));
        assertEquals("regression", value("SELECT TASK FROM SQLNN.MODELS"));

        execute("CREATE TABLE HOUSES (ID INT PRIMARY KEY, X DOUBLE PRECISION ARRAY)");
        Random random = new Random(13);
        float[][] rows = new float[500][5];
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO HOUSES VALUES (?, ?)")) {
            for (int r = 0; r < rows.length; r++) {
                Double[] x = new Double[5];
                for (int i = 0; i < 5; i++) {
                    rows[r][i] = (float) (means[i] + random.nextGaussian() * deviations[i]);
                    x[i] = (double) rows[r][i];
                }
                insert.setInt(1, r);
                insert.setObject(2, x);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        float[][] expected = OnnxRuntimeScores.ofFloats(onnx, rows);
        List<Object[]> values = rows("SELECT PREDICT_VALUE('price', X) FROM HOUSES ORDER BY ID");
        List<Object[]> batch = rows("SELECT PREDICTION FROM ML_PREDICT('price', 'SELECT ID, X FROM HOUSES') ORDER BY ID");
        double worst = 0;
        for (int r = 0; r < rows.length; r++) {
            double scale = Math.max(1, Math.abs(expected[r][0]));
            worst = Math.max(worst, Math.abs(expected[r][0] - (Double) values.get(r)[0]) / scale);
            worst = Math.max(worst, Math.abs(expected[r][0] - (Double) batch.get(r)[0]) / scale);
        }
        assertTrue(worst <= TOLERANCE, "PREDICT_VALUE and ML_PREDICT differ from ONNX Runtime by " + worst + " (relative)");
        System.out.printf("regression 5-32-16-1 on 500 rows: max |sqlnn - ORT| / max(1, |ORT|) %.3g%n", worst);
    }

    @Test
    void importedVersionsAreOrdinaryVersionsDeployedOnlyWhenNoneIs() throws SQLException, OrtException {
        byte[] first = MlpGraphs.floatInput("x", 1, 3).gemm(8, false, 0.5f, 2f).sigmoid().gemm(3, true).softmax()
                .metadata(OnnxImporter.CLASSES_PROPERTY, "[\"cat\", \"dog\", \"eel\"]").bytes();
        byte[] second = MlpGraphs.floatInput("x", 2, 3).gemm(8, true).sigmoid().gemm(3, true).softmax()
                .metadata(OnnxImporter.CLASSES_PROPERTY, "[\"cat\", \"dog\", \"eel\"]").bytes();
        assertEquals(1L, importOnnx("pets", first));
        assertEquals(2L, importOnnx("pets", second));
        assertEquals(List.of(1L), rows("SELECT VERSION FROM SQLNN.MODELS WHERE DEPLOYED").stream().map(r -> r[0]).toList());

        float[][] point = {{0.3f, -1.2f, 2f}};
        String array = "ARRAY[0.3, -1.2, 2.0]";
        float[] v1 = OnnxRuntimeScores.ofFloats(first, point)[0];
        float[] v2 = OnnxRuntimeScores.ofFloats(second, point)[0];
        assertTrue(maxDifference(v1, floats(value("SELECT PREDICT_PROBA('pets', " + array + ")"))) <= TOLERANCE);
        assertEquals(List.of("cat", "dog", "eel").get(argMax(v1)), value("SELECT PREDICT_LABEL('pets', " + array + ")"));

        assertEquals(2L, value("SELECT ML_DEPLOY('pets', 2)"));
        assertTrue(maxDifference(v2, floats(value("SELECT PREDICT_PROBA('pets', " + array + ")"))) <= TOLERANCE);
        assertEquals(1, value("SELECT ML_DROP('pets', 1)"));
        assertEquals(3L, importOnnx("pets", first), "versions are never given twice");
        assertEquals(2, value("SELECT ML_DROP('pets')"));
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS"));
    }

    @Test
    void whatSqlnnCannotImportIsRefusedNamingTheReasonAndNothingIsWritten() throws SQLException {
        byte[] conv = MlpGraphs.floatInput("x", 1, 1, 8, 8).initializer("kernel", 4, 1, 3, 3)
                .operator("Conv", "conv1", "kernel").flatten().gemm(3, true).softmax().bytes();
        assertImportFails("0A000", conv, "ML_IMPORT_ONNX: operator Conv (node 'conv1') is not supported; sqlnn imports "
                + "MLPs: Gemm, MatMul+Add, Relu, Tanh, Sigmoid, LeakyRelu, Elu, Selu, Softplus (with ONNX's default"
                + " attributes), Softmax (output)");
        assertImportFails("0A000", MlpGraphs.floatInput("x", 4).gemm(8, true).leakyRelu(0.2f).gemm(2, true).softmax().bytes(),
                "LeakyRelu (node 'leakyrelu1') has alpha 0.2; sqlnn's leaky_relu has alpha 0.01");
        assertImportFails("0A000", MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(3, true).bytes(),
                "3 outputs and no Softmax");
        assertImportFails("22023", "PK\u0003\u0004 a zip, not ONNX".getBytes(), "not an ONNX model");
        byte[] good = MlpGraphs.mnistMlp(1);
        assertImportFails("22023", java.util.Arrays.copyOf(good, good.length / 2), "ML_IMPORT_ONNX: ");
        assertImportFails("22023", null, "the ONNX file is NULL");
        SQLException e = assertThrows(SQLException.class, () -> value("SELECT ML_IMPORT_ONNX('no spaces', ?)", (Object) good));
        assertEquals("22023", e.getSQLState());
    }

    // ---------------------------------------------------------------- helpers

    long importOnnx(String model, byte[] onnx) throws SQLException {
        return ((Number) value("SELECT ML_IMPORT_ONNX(?, ?)", model, onnx)).longValue();
    }

    void assertImportFails(String state, byte[] onnx, String... fragments) throws SQLException {
        Counts before = counts();
        SQLException e = assertThrows(SQLException.class, () -> importOnnx("m", onnx));
        assertEquals(state, e.getSQLState(), e::getMessage);
        assertTrue(e.getMessage().startsWith("ML_IMPORT_ONNX: "), e::getMessage);
        for (String fragment : fragments) assertTrue(e.getMessage().contains(fragment), () -> fragment + " in " + e.getMessage());
        assertEquals(before, counts(), "nothing may be written by a refused import");
    }

    static double maxDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        return worst;
    }

    static int argMax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    /** Whether the most probable class leads by more than the tolerance, so that rounding cannot swap it. */
    static boolean clearWinner(float[] p) {
        int best = argMax(p);
        for (int i = 0; i < p.length; i++) if (i != best && p[best] - p[i] <= 2 * TOLERANCE) return false;
        return true;
    }
}

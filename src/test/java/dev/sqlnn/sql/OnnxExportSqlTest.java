package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.About;
import dev.sqlnn.model.onnx.OnnxRun;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_EXPORT} checked by a real runtime: each exported file is loaded by ONNX Runtime, fed the
 * raw features of rows that SQL scores too, and must answer what {@code PREDICT_PROBA},
 * {@code PREDICT_LABEL} and {@code PREDICT_VALUE} answer: so a wrong weight layout, scaling, one-hot
 * slot or imputed value would show. Digits (bytes), a tabular classifier and a regression with text,
 * CHAR, boolean and NULL columns (unseen categories too), and blobs as an ARRAY.
 */
class OnnxExportSqlTest extends SqlTestSupport {

    /** Float sums in another order (ONNX Runtime's GEMM against sqlnn's kernels) differ by this much at most. */
    private static final double PROBABILITY_TOLERANCE = 1e-5;

    private static final String FEATURES = "region, plan, has_garden, rooms, area";

    @Test
    void digitsExportedAnswerPredictProbaOnEveryTestImage() throws Exception {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels());
        train("digits", "SELECT image, label FROM digits", "{\"hidden\":[32],\"epochs\":2,\"learning_rate\":0.003}");

        byte[] onnx = (byte[]) value("SELECT ML_EXPORT('digits')");
        assertArrayEquals(onnx, (byte[]) value("SELECT ML_EXPORT('digits', 1)"), "the deployed version is version 1");
        assertArrayEquals(onnx, (byte[]) value("SELECT ML_EXPORT('digits', CAST(NULL AS BIGINT))"), "NULL: the deployed one");

        List<Object[]> rows = rows("SELECT image, PREDICT_PROBA('digits', image), PREDICT('digits', image) FROM digits_test"
                + " ORDER BY id");
        assertEquals(2000, rows.size());
        List<byte[]> images = new ArrayList<>();
        for (Object[] row : rows) images.add((byte[]) row[0]);
        try (OnnxRun run = new OnnxRun(onnx)) {
            assertEquals(List.of("IMAGE: UINT8 [-1, 784]", "probabilities: FLOAT [-1, 10]", "label: INT64 [-1]"),
                    run.signature());
            Map<String, String> metadata = run.metadata();
            assertEquals("digits", metadata.get("sqlnn.model"));
            assertEquals("1", metadata.get("sqlnn.model_version"));
            assertEquals(About.VERSION, metadata.get("sqlnn.version"));
            Map<String, Object> out = run.bytes("IMAGE", images).run();
            float[][] probabilities = (float[][]) out.get("probabilities");
            long[] labels = (long[]) out.get("label");
            double worst = 0;
            for (int i = 0; i < rows.size(); i++) {
                worst = Math.max(worst, maxDifference(floats(rows.get(i)[1]), probabilities[i]));
                if (clearWinner(probabilities[i])) {
                    assertEquals(((Number) rows.get(i)[2]).longValue(), labels[i], "class of test digit " + (i + 1));
                }
            }
            System.out.printf("ONNX export, digits: max |ORT - PREDICT_PROBA| = %.3g%n", worst);
            assertTrue(worst <= PROBABILITY_TOLERANCE, "max difference " + worst);
        }
    }

    @Test
    void aTabularClassifierExportedTakesTextBooleansAndNullsAsPredictDoes() throws Exception {
        createHouses("houses", 1200, 1, false);
        createHouses("new_houses", 300, 2, true);
        train("band", "SELECT " + FEATURES + ", band FROM houses",
                "{\"hidden\":[24,12],\"activation\":\"tanh\",\"epochs\":30,\"learning_rate\":0.01,\"label\":\"band\"}");
        List<Object[]> rows = rows("SELECT " + FEATURES + ", PREDICT_PROBA('band', " + FEATURES + "), PREDICT_LABEL('band', "
                + FEATURES + ") FROM new_houses ORDER BY id");
        assertTrue(rows.stream().anyMatch(r -> "atlantis".equals(r[0])) && rows.stream().anyMatch(r -> r[0] == null)
                        && rows.stream().anyMatch(r -> r[2] == null) && rows.stream().anyMatch(r -> r[3] == null),
                "precondition: unseen regions, NULL texts, booleans and numbers are among the rows");

        try (OnnxRun run = new OnnxRun((byte[]) value("SELECT ML_EXPORT('band')"))) {
            assertEquals(List.of("REGION: STRING [-1, 1]", "PLAN: STRING [-1, 1]", "HAS_GARDEN: STRING [-1, 1]",
                    "ROOMS: FLOAT [-1, 1]", "AREA: FLOAT [-1, 1]", "probabilities: FLOAT [-1, 3]", "label: STRING [-1]"),
                    run.signature());
            Map<String, Object> out = houses(run, rows).run();
            float[][] probabilities = (float[][]) out.get("probabilities");
            String[] labels = (String[]) out.get("label");
            double worst = 0;
            for (int i = 0; i < rows.size(); i++) {
                worst = Math.max(worst, maxDifference(floats(rows.get(i)[5]), probabilities[i]));
                if (clearWinner(probabilities[i])) assertEquals(rows.get(i)[6], labels[i], "class of new house " + (i + 1));
            }
            System.out.printf("ONNX export, tabular classifier: max |ORT - PREDICT_PROBA| = %.3g%n", worst);
            assertTrue(worst <= PROBABILITY_TOLERANCE, "max difference " + worst);
        }
    }

    @Test
    void aRegressionExportedAnswersPredictValueInTheLabelsUnits() throws Exception {
        createHouses("houses", 1200, 1, false);
        createHouses("new_houses", 300, 2, true);
        train("price", "SELECT " + FEATURES + ", price FROM houses",
                "{\"hidden\":[16],\"activation\":\"sigmoid\",\"epochs\":30,\"learning_rate\":0.01,\"label\":\"price\","
                        + "\"scale\":\"minmax\"}");
        List<Object[]> rows = rows("SELECT " + FEATURES + ", PREDICT_VALUE('price', " + FEATURES + ") FROM new_houses ORDER BY id");
        try (OnnxRun run = new OnnxRun((byte[]) value("SELECT ML_EXPORT('price')"))) {
            assertEquals("value: DOUBLE [-1]", run.signature().get(5));
            double[] values = (double[]) houses(run, rows).run().get("value");
            double worst = 0;
            for (int i = 0; i < rows.size(); i++) {
                double expected = ((Number) rows.get(i)[5]).doubleValue();
                worst = Math.max(worst, Math.abs(expected - values[i]) / Math.max(1, Math.abs(expected)));
            }
            System.out.printf("ONNX export, regression: max relative |ORT - PREDICT_VALUE| = %.3g%n", worst);
            assertTrue(worst <= 1e-5, "max relative difference " + worst);
        }
    }

    @Test
    void blobsAsAnArrayWithIntegerLabels() throws Exception {
        createBlobs("blobs", 300, 1);
        train("blobs", "SELECT features, y FROM blobs", "{\"hidden\":[8],\"epochs\":15,\"learning_rate\":0.01,"
                + "\"scale\":\"standard\"}");
        List<Object[]> rows = rows("SELECT features, PREDICT_PROBA('blobs', features), PREDICT('blobs', features)"
                + " FROM blobs ORDER BY id");
        float[][] features = new float[rows.size()][];
        for (int i = 0; i < features.length; i++) features[i] = floats(rows.get(i)[0]);
        try (OnnxRun run = new OnnxRun((byte[]) value("SELECT ML_EXPORT('blobs')"))) {
            assertEquals("FEATURES: FLOAT [-1, 2]", run.signature().get(0));
            Map<String, Object> out = run.floats("FEATURES", features).run();
            float[][] probabilities = (float[][]) out.get("probabilities");
            long[] labels = (long[]) out.get("label");
            for (int i = 0; i < rows.size(); i++) {
                assertTrue(maxDifference(floats(rows.get(i)[1]), probabilities[i]) <= PROBABILITY_TOLERANCE, "row " + i);
                if (clearWinner(probabilities[i])) assertEquals(((Number) rows.get(i)[2]).longValue(), labels[i]);
            }
        }
    }

    /** The activations of issue 15 export as ONNX operators (GELU written out) that ONNX Runtime scores as PREDICT_PROBA does. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"leaky_relu", "elu", "selu", "gelu", "softplus"})
    void everyHiddenActivationExportsAsItScores(String activation) throws Exception {
        createBlobs("blobs", 150, 3);
        train("m", "SELECT features, y FROM blobs", "{\"hidden\":[8,8],\"epochs\":5,\"learning_rate\":0.01,"
                + "\"activation\":\"" + activation + "\"}");
        List<Object[]> rows = rows("SELECT features, PREDICT_PROBA('m', features) FROM blobs ORDER BY id");
        float[][] features = new float[rows.size()][];
        for (int i = 0; i < features.length; i++) features[i] = floats(rows.get(i)[0]);
        try (OnnxRun run = new OnnxRun((byte[]) value("SELECT ML_EXPORT('m')"))) {
            float[][] probabilities = (float[][]) run.floats("FEATURES", features).run().get("probabilities");
            for (int i = 0; i < rows.size(); i++) {
                assertTrue(maxDifference(floats(rows.get(i)[1]), probabilities[i]) <= PROBABILITY_TOLERANCE,
                        activation + ", row " + i);
            }
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheirSqlState() throws Exception {
        createBlobs("blobs", 60, 1);
        train("blobs", "SELECT a, b, y FROM blobs", QUICK);
        assertFails("42704", "ML_EXPORT", "SELECT ML_EXPORT('nope')", "nope");
        assertFails("42704", "ML_EXPORT", "SELECT ML_EXPORT('blobs', 7)", "blobs", "7");
        assertFails("22023", "ML_EXPORT", "SELECT ML_EXPORT(NULL)", "NULL");
        assertFails("22023", "ML_EXPORT", "SELECT ML_EXPORT(NULL, 1)", "NULL");

        execute("CREATE TABLE t (colour VARCHAR(10), y INT)");
        execute("INSERT INTO t SELECT CASE WHEN X % 3 = 0 THEN '' ELSE 'red' END, X % 2 FROM SYSTEM_RANGE(1, 40)");
        train("blank", "SELECT colour, y FROM t", QUICK);
        assertFails("0A000", "ML_EXPORT", "SELECT ML_EXPORT('blank')", "COLOUR", "empty string", "NULLIF");
    }

    // ---------------------------------------------------------------- the houses

    /** The five feature columns of {@code rows} as the graph's inputs: NULL text as "", NULL numbers as NaN. */
    private static OnnxRun houses(OnnxRun run, List<Object[]> rows) {
        String[][] texts = new String[3][rows.size()];
        float[][][] numbers = new float[2][rows.size()][1];
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            for (int c = 0; c < 3; c++) texts[c][i] = row[c] == null ? "" : row[c].toString().stripTrailing();
            for (int c = 0; c < 2; c++) numbers[c][i][0] = row[3 + c] == null ? Float.NaN : ((Number) row[3 + c]).floatValue();
        }
        return run.strings("REGION", texts[0]).strings("PLAN", texts[1]).strings("HAS_GARDEN", texts[2])
                .floats("ROOMS", numbers[0]).floats("AREA", numbers[1]);
    }

    // ---------------------------------------------------------------- comparisons

    private static double maxDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "classes");
        double worst = 0;
        for (int k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        return worst;
    }

    /** Whether the most probable class leads the next by more than the two runtimes may differ: then both must pick it. */
    private static boolean clearWinner(float[] p) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (float x : p) {
            if (x > first) {
                second = first;
                first = x;
            } else if (x > second) {
                second = x;
            }
        }
        return first - second > 2 * PROBABILITY_TOLERANCE;
    }
}

package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ML_TRAIN} and the {@code PREDICT*} functions through JDBC: feature forms, tasks, types, logs. */
class TrainPredictSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trainingReturnsVersionOneThenTwoAndDescribesEachInModels() throws Exception {
        createBlobs("blobs", 300, 1);
        assertEquals(1, train("m", "SELECT a, b, y FROM blobs", QUICK));
        assertEquals(2, train("m", "SELECT a, b, y FROM blobs", QUICK));

        List<Object[]> rows = rows("SELECT NAME, VERSION, TASK, LAYERS, INPUT_WIDTH, CAST(CLASSES AS VARCHAR),"
                + " CAST(METRICS AS VARCHAR), TRAIN_ROWS, DEPLOYED, TRAIN_SECONDS, CREATED_AT, OPTIONS"
                + " FROM SQLNN.MODELS ORDER BY VERSION");
        assertEquals(2, rows.size());
        for (int v = 0; v < 2; v++) {
            Object[] row = rows.get(v);
            assertEquals("m", row[0]);
            assertEquals((long) v + 1, row[1]);
            assertEquals("classification", row[2]);
            assertEquals("2-16-3", row[3]);
            assertEquals(2, row[4]);
            assertEquals(List.of("0", "1", "2"), strings(JSON.readTree((String) row[5])));
            JsonNode metrics = JSON.readTree((String) row[6]);
            assertTrue(metrics.get("accuracy").asDouble() > 0.9, () -> "metrics " + metrics);
            assertEquals(270L, row[7], "300 rows less the default 10% held out for validation");
            assertTrue((Double) row[9] > 0);
            assertNotNull(row[10]);
            assertNotNull(row[11]);
        }
        // The default deploy policy, best, keeps version 1: version 2 is the same model, not a better one.
        assertEquals(true, rows.get(0)[8]);
        assertEquals(false, rows.get(1)[8]);
    }

    @Test
    void predictsWithTheDefaultModelAndANamedOneOnEveryKindOfArray() throws SQLException {
        createBlobs("blobs", 300, 1);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        for (int c = 0; c < 3; c++) {
            double[] p = CENTRES[c];
            assertEquals(c, value("SELECT PREDICT(" + array(p) + ")"), "default model, NUMERIC ARRAY");
            assertEquals(c, value("SELECT PREDICT('m', " + array(p) + ")"));
            assertEquals(c, value("SELECT PREDICT('m', CAST(" + array(p) + " AS REAL ARRAY))"));
            assertEquals(c, value("SELECT PREDICT('m', CAST(" + array(p) + " AS DOUBLE PRECISION ARRAY))"));
            assertEquals(c, value("SELECT PREDICT('m', CAST(" + array(p) + " AS INTEGER ARRAY))"));
            assertEquals(c, value("SELECT PREDICT('m', ARRAY[" + (int) p[0] + ", " + (int) p[1] + "])"));
            assertEquals(String.valueOf(c), value("SELECT PREDICT_LABEL('m', " + array(p) + ")"));
        }
        double accuracy = ((Number) value("SELECT AVG(CASE WHEN PREDICT('m', ARRAY[a, b]) = y THEN 1.0 ELSE 0 END)"
                + " FROM blobs")).doubleValue();
        assertTrue(accuracy > 0.95, () -> "accuracy on the training rows " + accuracy);
    }

    @Test
    void trainsOnVarbinaryFeaturesAndPredictsOnVarbinary() throws Exception {
        createBlobs("blobs", 300, 2);
        train("bytes", "SELECT pixels, y FROM blobs", QUICK);
        assertEquals("2-16-3", value("SELECT LAYERS FROM SQLNN.MODELS WHERE NAME = 'bytes'"));
        for (int c = 0; c < 3; c++) {
            assertEquals(c, value("SELECT PREDICT('bytes', " + pixels(CENTRES[c]) + ")"));
            assertEquals(c, value("SELECT PREDICT(" + pixels(CENTRES[c]) + ")"));
        }
        double accuracy = ((Number) value("SELECT AVG(CASE WHEN PREDICT('bytes', pixels) = y THEN 1.0 ELSE 0 END)"
                + " FROM blobs")).doubleValue();
        assertTrue(accuracy > 0.95, () -> "accuracy " + accuracy);
    }

    @Test
    void trainsOnAnArrayColumn() throws SQLException {
        createBlobs("blobs", 300, 3);
        train("arr", "SELECT features, y FROM blobs", QUICK);
        assertEquals(2, value("SELECT INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = 'arr'"));
        for (int c = 0; c < 3; c++) {
            assertEquals(c, value("SELECT PREDICT('arr', " + array(CENTRES[c]) + ")"));
        }
        double accuracy = ((Number) value("SELECT AVG(CASE WHEN PREDICT('arr', features) = y THEN 1.0 ELSE 0 END)"
                + " FROM blobs")).doubleValue();
        assertTrue(accuracy > 0.95, () -> "accuracy " + accuracy);
    }

    @Test
    void theLabelOptionChoosesAColumnThatIsNotLast() throws SQLException {
        createBlobs("blobs", 300, 4);
        train("first", "SELECT y, a, b FROM blobs",
                "{\"label\":\"y\",\"hidden\":[16],\"epochs\":15,\"learning_rate\":0.01}");
        assertEquals("2-16-3", value("SELECT LAYERS FROM SQLNN.MODELS WHERE NAME = 'first'"));
        for (int c = 0; c < 3; c++) {
            assertEquals(c, value("SELECT PREDICT('first', " + array(CENTRES[c]) + ")"));
        }
    }

    @Test
    void textLabelsArePredictedAsTextByPredictLabelOnly() throws Exception {
        createBlobs("blobs", 300, 5);
        train("text", "SELECT a, b, name FROM blobs", QUICK);
        assertEquals(List.of("east", "north", "west"),
                strings(JSON.readTree((String) value("SELECT CAST(CLASSES AS VARCHAR) FROM SQLNN.MODELS"))),
                "classes are sorted");
        for (int c = 0; c < 3; c++) {
            assertEquals(CLASS_NAMES[c], value("SELECT PREDICT_LABEL('text', " + array(CENTRES[c]) + ")"));
        }
        assertFails("22023", "PREDICT", "SELECT PREDICT('text', ARRAY[0, 3])", "text labels", "PREDICT_LABEL('text'");
        assertFails("22023", "PREDICT", "SELECT PREDICT(ARRAY[0, 3])", "PREDICT_LABEL");
        assertFails("22023", "PREDICT_VALUE", "SELECT PREDICT_VALUE('text', ARRAY[0, 3])", "classifier",
                "PREDICT_LABEL");
        float[] p = floats(value("SELECT PREDICT_PROBA('text', ARRAY[0, 3])"));
        assertEquals(3, p.length);
        assertTrue(p[1] > 0.5f, () -> "north is the second class: " + Arrays.toString(p));
    }

    @Test
    void regressionPredictsValuesCloseToTheFunction() throws SQLException {
        createPlane("plane", 400, 6);
        createPlane("plane_test", 200, 7);
        assertEquals(1, train("plane", "SELECT a, b, y FROM plane",
                "{\"hidden\":[16],\"epochs\":40,\"learning_rate\":0.01}"));
        assertEquals("regression", value("SELECT TASK FROM SQLNN.MODELS"));
        assertEquals("2-16-1", value("SELECT LAYERS FROM SQLNN.MODELS"));
        assertNull(value("SELECT CLASSES FROM SQLNN.MODELS"));
        assertTrue(((String) value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS")).contains("\"r2\""));

        double r2 = ((Number) value("SELECT 1 - SUM(POWER(PREDICT_VALUE('plane', ARRAY[a, b]) - y, 2))"
                + " / SUM(POWER(y - (SELECT AVG(y) FROM plane_test), 2)) FROM plane_test")).doubleValue();
        assertTrue(r2 > 0.95, () -> "R² on held-out rows " + r2);
        double atOne = (Double) value("SELECT PREDICT_VALUE('plane', ARRAY[0.5, -0.5])");
        assertEquals(1.5, atOne, 0.3, "2a - b at (0.5, -0.5)");

        assertFails("22023", "PREDICT", "SELECT PREDICT('plane', ARRAY[0, 0])", "regression", "PREDICT_VALUE('plane'");
        assertFails("22023", "PREDICT", "SELECT PREDICT(ARRAY[0, 0])", "PREDICT_VALUE");
        assertFails("22023", "PREDICT_LABEL", "SELECT PREDICT_LABEL('plane', ARRAY[0, 0])", "PREDICT_VALUE");
        assertFails("22023", "PREDICT_PROBA", "SELECT PREDICT_PROBA('plane', ARRAY[0, 0])", "PREDICT_VALUE");
    }

    @Test
    void learnsXor() throws SQLException {
        execute("CREATE TABLE xor (A DOUBLE PRECISION, B DOUBLE PRECISION, Y INT)");
        execute("INSERT INTO xor SELECT SIGN(SIN(X * 1.3)) + 0.2 * SIN(X * 7.1), SIGN(COS(X * 0.7)) + 0.2 * COS(X * 5.3),"
                + " CASE WHEN SIGN(SIN(X * 1.3)) = SIGN(COS(X * 0.7)) THEN 1 ELSE 0 END FROM SYSTEM_RANGE(1, 400)");
        train("xor", "SELECT a, b, y FROM xor", "{\"hidden\":[16],\"activation\":\"tanh\",\"epochs\":60,"
                + "\"learning_rate\":0.02,\"validation_fraction\":0}");
        assertEquals(1, value("SELECT PREDICT('xor', ARRAY[1, 1])"));
        assertEquals(1, value("SELECT PREDICT('xor', ARRAY[-1, -1])"));
        assertEquals(0, value("SELECT PREDICT('xor', ARRAY[1, -1])"));
        assertEquals(0, value("SELECT PREDICT('xor', ARRAY[-1, 1])"));
        assertEquals(400L, value("SELECT TRAIN_ROWS FROM SQLNN.MODELS"), "validation_fraction 0 trains on all");
    }

    @Test
    void probabilitiesAreARealArrayOfOnePerClassSummingToOne() throws SQLException {
        createBlobs("blobs", 300, 8);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        assertEquals(List.of("REAL ARRAY"), columnTypes("SELECT PREDICT_PROBA('m', ARRAY[0, 3])"));
        for (int c = 0; c < 3; c++) {
            float[] p = floats(value("SELECT PREDICT_PROBA('m', " + array(CENTRES[c]) + ")"));
            assertEquals(3, p.length);
            double sum = 0;
            int best = 0;
            for (int j = 0; j < p.length; j++) {
                assertTrue(p[j] >= 0 && p[j] <= 1, () -> Arrays.toString(p));
                sum += p[j];
                if (p[j] > p[best]) best = j;
            }
            assertEquals(1, sum, 1e-4);
            assertEquals(c, best, "the most probable class is the predicted one");
        }
    }

    @Test
    void theFunctionsReturnTheSqlTypesOfTheContract() throws SQLException {
        createBlobs("blobs", 300, 9);
        createPlane("plane", 100, 9);
        train("r", "SELECT a, b, y FROM plane", "{\"hidden\":[4],\"epochs\":1}");
        train("m", "SELECT a, b, y FROM blobs", QUICK); // deployed last: the default model
        assertEquals(List.of("INTEGER", "INTEGER", "CHARACTER VARYING", "REAL ARRAY", "DOUBLE PRECISION",
                        "BIGINT", "CHARACTER VARYING"),
                columnTypes("SELECT PREDICT(ARRAY[0, 0]), PREDICT('m', ARRAY[0, 0]), PREDICT_LABEL('m', ARRAY[0, 0]),"
                        + " PREDICT_PROBA('m', ARRAY[0, 0]), PREDICT_VALUE('r', ARRAY[0, 0]), ML_DEPLOY('m', 1),"
                        + " ML_INFO()"));
        assertEquals(List.of("BIGINT"), columnTypes("SELECT ML_TRAIN('r', 'SELECT a, b, y FROM plane',"
                + " '{\"hidden\":[4],\"epochs\":1}')"));
        assertEquals(List.of("INTEGER"), columnTypes("SELECT ML_DROP('r')"));
    }

    @Test
    void aNullFeatureGivesNullFromEveryPredictFunction() throws SQLException {
        createBlobs("blobs", 300, 10);
        createPlane("plane", 100, 10);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        train("t", "SELECT a, b, name FROM blobs", QUICK);
        train("r", "SELECT a, b, y FROM plane", "{\"hidden\":[4],\"epochs\":1}");
        Object[] row = rows("SELECT PREDICT(NULL), PREDICT('m', NULL), PREDICT_LABEL('t', NULL), PREDICT_PROBA('m', NULL),"
                + " PREDICT_VALUE('r', NULL), PREDICT('m', CAST(NULL AS VARBINARY)),"
                + " PREDICT('m', CAST(NULL AS REAL ARRAY))").get(0);
        for (Object v : row) assertNull(v);
        // Row by row too: a NULL feature in a table gives a NULL prediction for that row only.
        execute("UPDATE blobs SET features = NULL WHERE id = 1");
        List<Object[]> predictions = rows("SELECT id, PREDICT('m', features) FROM blobs WHERE id <= 3 ORDER BY id");
        assertNull(predictions.get(0)[1]);
        assertNotNull(predictions.get(1)[1]);
    }

    @Test
    void trainingInfoHasOneRowPerEpochWithTheContractsColumns() throws SQLException {
        createBlobs("blobs", 300, 11);
        train("m", "SELECT a, b, y FROM blobs", "{\"hidden\":[16],\"epochs\":6,\"learning_rate\":0.01}");
        train("m", "SELECT a, b, y FROM blobs", "{\"hidden\":[16],\"epochs\":4,\"learning_rate\":0.01}");
        assertEquals(List.of("VERSION", "EPOCH", "TRAIN_LOSS", "VALIDATION_LOSS", "VALIDATION_METRIC", "LEARNING_RATE",
                "SECONDS", "ROWS_PER_SECOND"), columnNames("SELECT * FROM ML_TRAINING_INFO('m')"));
        assertEquals(List.of("BIGINT", "INTEGER", "DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE PRECISION",
                        "DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE PRECISION"),
                columnTypes("SELECT * FROM ML_TRAINING_INFO('m')"));

        List<Object[]> all = rows("SELECT * FROM ML_TRAINING_INFO('m')");
        assertEquals(10, all.size());
        List<Object[]> second = rows("SELECT * FROM ML_TRAINING_INFO('m', 2)");
        assertEquals(4, second.size());
        for (int e = 0; e < 4; e++) {
            Object[] row = second.get(e);
            assertEquals(2L, row[0]);
            assertEquals(e + 1, row[1]);
            assertNotNull(row[3], "validation loss");
            double metric = (Double) row[4];
            assertTrue(metric >= 0 && metric <= 1, "validation accuracy");
            assertEquals(0.01, (Double) row[5], 1e-12);
            assertTrue((Double) row[6] >= 0);
            assertTrue((Double) row[7] > 0);
        }
        List<Object[]> first = rows("SELECT * FROM ML_TRAINING_INFO('m', 1)");
        assertEquals(List.of(1, 2, 3, 4, 5, 6), first.stream().map(r -> r[1]).toList());
        assertTrue((Double) first.get(5)[2] < (Double) first.get(0)[2], "the training loss decreases");
        assertEquals(first.size(), count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'm' AND VERSION = 1"));
    }

    @Test
    void mlInfoNamesTheKernelsAndThreads() throws SQLException, java.io.IOException {
        String info = (String) value("SELECT ML_INFO()");
        // What this JVM has: the Vector API module unless turned off, its cores, its Java version.
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"false".equals(System.getProperty("sqlnn.vector"));
        String kernels = vector ? "Vector API, (128|256|512)-bit" : "scalar";
        String expected = "sqlnn " + java.util.regex.Pattern.quote(dev.sqlnn.SqlnnInstallTest.projectVersion())
                + "; kernels: " + kernels + ", " + Runtime.getRuntime().availableProcessors() + " threads; Java "
                + Runtime.version().feature();
        assertTrue(info.matches(expected), () -> info + " should match " + expected);
    }

    @Test
    void theSameSeedAndThreadsGiveTheSameWeightsBitForBit() throws SQLException {
        createBlobs("blobs", 300, 12);
        String options = "{\"hidden\":[16, 8],\"epochs\":5,\"seed\":7,\"threads\":2}";
        train("m", "SELECT a, b, y FROM blobs", options);
        train("m", "SELECT a, b, y FROM blobs", options);
        train("m", "SELECT a, b, y FROM blobs", options.replace("\"seed\":7", "\"seed\":8"));
        byte[] first = (byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 1");
        byte[] second = (byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 2");
        byte[] otherSeed = (byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 3");
        assertArrayEquals(first, second);
        assertFalse(Arrays.equals(first, otherSeed), "another seed gives other weights");
        assertEquals(value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS WHERE VERSION = 1"),
                value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS WHERE VERSION = 2"));
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}

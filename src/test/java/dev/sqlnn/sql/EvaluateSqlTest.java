package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_EVALUATE}, {@code ML_CONFUSION_MATRIX} and {@code ML_ROC_CURVE} through JDBC. The
 * expected figures are computed here from what {@code PREDICT_PROBA} and {@code PREDICT_VALUE}
 * return for the same rows, so the checks are exact without knowing the weights. (The table
 * functions score in batches and the scalar functions row by row: the probabilities agree to
 * float rounding, which moves the log loss in its seventh digit and nothing else here.)
 */
class EvaluateSqlTest extends SqlTestSupport {

    /** A model trained briefly on overlapping clouds: probabilities spread over (0, 1), some rows wrong. */
    private static final String WEAK = "{\"hidden\":[8],\"epochs\":3,\"learning_rate\":0.01,\"validation_fraction\":0}";
    private static final double ROUNDING = 1e-6;

    /** The clouds of {@link #createBlobs} with three times the spread, so that the classes overlap. */
    private void createNoisyBlobs(String table, int rows, long seed) throws SQLException {
        execute("CREATE TABLE " + table + " (ID INT PRIMARY KEY, A DOUBLE PRECISION, B DOUBLE PRECISION, Y INT,"
                + " NAME VARCHAR(10))");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                int y = i % 3;
                insert.setInt(1, i + 1);
                insert.setDouble(2, CENTRES[y][0] + 1.5 * random.nextGaussian());
                insert.setDouble(3, CENTRES[y][1] + 1.5 * random.nextGaussian());
                insert.setInt(4, y);
                insert.setString(5, CLASS_NAMES[y]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    // ---------------------------------------------------------------- ML_EVALUATE

    @Test
    void classificationMetricsAreThoseOfThePredictedProbabilities() throws SQLException {
        createNoisyBlobs("noisy", 300, 51);
        train("m", "SELECT a, b, y FROM noisy", WEAK);
        String query = "SELECT a, b, y FROM noisy WHERE id <= 90";
        Expected expected = expected("m", "ARRAY[a, b]", "noisy WHERE id <= 90", 3);
        assertTrue(expected.accuracy() > 0.5 && expected.accuracy() < 1, () -> "a model that is right and wrong: "
                + expected.accuracy());

        Map<String, Double> got = metrics("m", query);
        assertEquals(6 + 3 * 4, got.size(), () -> "rows " + got.keySet());
        assertEquals(expected.accuracy(), got.get("accuracy"), 1e-12);
        assertEquals(expected.macro(expected.precision), got.get("precision_macro"), 1e-12);
        assertEquals(expected.macro(expected.recall), got.get("recall_macro"), 1e-12);
        assertEquals(expected.macro(expected.f1), got.get("f1_macro"), 1e-12);
        assertEquals(expected.logLoss, got.get("log_loss"), ROUNDING);
        assertEquals(expected.macro(expected.auc), got.get("roc_auc"), 1e-12);
        for (int c = 0; c < 3; c++) {
            assertEquals(expected.precision[c], got.get("precision/" + c), 1e-12, "precision of " + c);
            assertEquals(expected.recall[c], got.get("recall/" + c), 1e-12, "recall of " + c);
            assertEquals(expected.f1[c], got.get("f1/" + c), 1e-12, "f1 of " + c);
            assertEquals(30.0, got.get("support/" + c), "support of " + c);
        }
        // The order of the rows: overall figures, then class by class in the model's order.
        List<Object[]> rows = rows("SELECT metric, class FROM ML_EVALUATE('m', " + quote(query) + ")");
        assertEquals(List.of("accuracy", "precision_macro", "recall_macro", "f1_macro", "log_loss", "roc_auc",
                "precision", "recall", "f1", "support", "precision"), rows.subList(0, 11).stream().map(r -> r[0]).toList());
        assertNull(rows.get(5)[1]);
        assertEquals("0", rows.get(6)[1]);
        assertEquals("2", rows.get(17)[1]);
    }

    @Test
    void theColumnsAreMetricClassScore() throws SQLException {
        createBlobs("blobs", 300, 52);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        String sql = "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y FROM blobs')";
        assertEquals(List.of("METRIC", "CLASS", "SCORE"), columnNames(sql));
        assertEquals(List.of("CHARACTER VARYING", "CHARACTER VARYING", "DOUBLE PRECISION"), columnTypes(sql));
        sql = "SELECT * FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM blobs')";
        assertEquals(List.of("ACTUAL", "PREDICTED", "COUNT"), columnNames(sql));
        assertEquals(List.of("CHARACTER VARYING", "CHARACTER VARYING", "BIGINT"), columnTypes(sql));
        sql = "SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM blobs', '1')";
        assertEquals(List.of("THRESHOLD", "TPR", "FPR"), columnNames(sql));
        assertEquals(List.of("DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE PRECISION"), columnTypes(sql));
    }

    @Test
    void binaryRocAucIsTheAreaOfClassOnesCurveAndExact() throws SQLException {
        createNoisyBlobs("noisy", 300, 53);
        execute("CREATE VIEW two AS SELECT id, a, b, CASE WHEN y = 0 THEN 1 ELSE 0 END AS y FROM noisy");
        train("two", "SELECT a, b, y FROM two", WEAK);
        Expected expected = expected("two", "ARRAY[a, b]", "two WHERE id <= 90", 2);
        Map<String, Double> got = metrics("two", "SELECT a, b, y FROM two WHERE id <= 90");
        assertEquals(expected.auc[1], got.get("roc_auc"), 1e-12, "two classes: the AUC of class 1");
        assertEquals(expected.accuracy(), got.get("accuracy"), 1e-12);

        List<Object[]> curve = rows("SELECT * FROM ML_ROC_CURVE('two', 'SELECT a, b, y FROM two WHERE id <= 90', '1')");
        double area = 0;
        for (int i = 1; i < curve.size(); i++) {
            double dx = (Double) curve.get(i)[2] - (Double) curve.get(i - 1)[2];
            area += dx * ((Double) curve.get(i)[1] + (Double) curve.get(i - 1)[1]) / 2;
        }
        assertEquals(got.get("roc_auc"), area, 1e-12, "the trapezoids under the curve");
    }

    @Test
    void integerLabelsMatchTheClassesAsNumbersWhateverTheirType() throws SQLException {
        createBlobs("blobs", 300, 54);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        Map<String, Double> asInts = metrics("m", "SELECT a, b, y FROM blobs");
        for (String label : new String[] {"CAST(y AS DOUBLE PRECISION)", "CAST(y AS NUMERIC(5, 2))", "CAST(y AS VARCHAR)",
                "CAST(y AS BIGINT)", "CAST(y AS TINYINT)"}) {
            assertEquals(asInts, metrics("m", "SELECT a, b, " + label + " FROM blobs"), label);
        }
        // Features: by name in any order, else in order; an ARRAY in the training columns' order.
        assertEquals(asInts, metrics("m", "SELECT b, a, y FROM blobs"));
        assertEquals(asInts, metrics("m", "SELECT a AS x1, b AS x2, y FROM blobs"));
        assertEquals(asInts, metrics("m", "SELECT features, y FROM blobs"));
    }

    @Test
    void textLabelsAreTheClassesOfEveryRowAndTheMatrixAndTheCurve() throws SQLException {
        createNoisyBlobs("noisy", 300, 55);
        train("t", "SELECT a, b, name FROM noisy", WEAK);
        List<Object[]> classes = rows("SELECT class FROM ML_EVALUATE('t', 'SELECT a, b, name FROM noisy')"
                + " WHERE metric = 'support' ORDER BY class");
        assertEquals(List.of("east", "north", "west"), classes.stream().map(r -> r[0]).toList());
        assertConfusionMatrixIsPredicts("t", "PREDICT_LABEL('t', ARRAY[a, b])", "name", "noisy");
        List<Object[]> curve = rows("SELECT * FROM ML_ROC_CURVE('t', 'SELECT a, b, name FROM noisy', 'north')");
        assertCurve(curve);
    }

    @Test
    void regressionMetricsAreThoseOfThePredictedValuesInTheLabelsUnits() throws SQLException {
        createPlane("plane", 300, 56);
        execute("CREATE TABLE plane_test AS SELECT a, b, 100 * y + 7 AS y FROM plane WHERE a > 0.5");
        execute("UPDATE plane SET y = 100 * y + 7");
        train("r", "SELECT a, b, y FROM plane", "{\"hidden\":[8],\"epochs\":5,\"learning_rate\":0.01}");
        List<Object[]> predicted = rows("SELECT PREDICT_VALUE('r', ARRAY[a, b]), y FROM plane_test");
        double mean = predicted.stream().mapToDouble(r -> (Double) r[1]).average().orElseThrow();
        double squares = 0;
        double absolutes = 0;
        double deviations = 0;
        for (Object[] r : predicted) {
            double error = (Double) r[0] - (Double) r[1];
            squares += error * error;
            absolutes += Math.abs(error);
            deviations += ((Double) r[1] - mean) * ((Double) r[1] - mean);
        }
        int n = predicted.size();
        List<Object[]> rows = rows("SELECT * FROM ML_EVALUATE('r', 'SELECT a, b, y FROM plane_test')");
        assertEquals(List.of("mse", "mae", "r2"), rows.stream().map(r -> r[0]).toList());
        for (Object[] row : rows) assertNull(row[1]);
        // Units of 100: a float rounding of the output, scaled back, is about 1e-5.
        assertEquals(squares / n, (Double) rows.get(0)[2], 1e-3);
        assertEquals(absolutes / n, (Double) rows.get(1)[2], 1e-4);
        assertEquals(1 - squares / deviations, (Double) rows.get(2)[2], 1e-6);
        assertTrue((Double) rows.get(0)[2] > 1, "the error is in the label's units, not standardised ones");
    }

    // ---------------------------------------------------------------- ML_CONFUSION_MATRIX

    @Test
    void theConfusionMatrixCountsWhatPredictSaysAndSumsToTheRows() throws SQLException {
        createNoisyBlobs("noisy", 300, 57);
        train("m", "SELECT a, b, y FROM noisy", WEAK);
        assertConfusionMatrixIsPredicts("m", "PREDICT('m', ARRAY[a, b])", "y", "noisy");
        assertEquals(300, count("SELECT SUM(count) FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM noisy')"));
        assertEquals(0, count("SELECT COUNT(*) FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM noisy') WHERE count = 0"),
                "only the pairs that occur");
        double accuracy = metrics("m", "SELECT a, b, y FROM noisy").get("accuracy");
        assertEquals(accuracy * 300, count("SELECT SUM(count) FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM noisy')"
                + " WHERE actual = predicted"), 1e-9);
    }

    /** The matrix's cells, in order, are the groups of (label, prediction) that occur. */
    private void assertConfusionMatrixIsPredicts(String model, String predict, String label, String table)
            throws SQLException {
        List<Object[]> matrix = rows("SELECT actual, predicted, count FROM ML_CONFUSION_MATRIX('" + model
                + "', 'SELECT a, b, " + label + " FROM " + table + "')");
        List<Object[]> groups = rows("SELECT actual, predicted, COUNT(*) FROM (SELECT CAST(" + label + " AS VARCHAR) AS actual,"
                + " CAST(" + predict + " AS VARCHAR) AS predicted FROM " + table + ") GROUP BY actual, predicted"
                + " ORDER BY actual, predicted");
        assertEquals(groups.size(), matrix.size());
        assertTrue(matrix.size() > 3, "some rows are predicted wrong");
        for (int i = 0; i < groups.size(); i++) {
            assertEquals(List.of(groups.get(i)), List.of(matrix.get(i)), "cell " + i);
        }
    }

    // ---------------------------------------------------------------- ML_ROC_CURVE

    @Test
    void aRocCurveRunsFromTheOriginToOneOneAndNeverTurnsBack() throws SQLException {
        createNoisyBlobs("noisy", 300, 58);
        train("m", "SELECT a, b, y FROM noisy", WEAK);
        for (String c : new String[] {"0", "1", "2"}) {
            List<Object[]> curve = rows("SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM noisy', '" + c + "')");
            assertCurve(curve);
            long distinct = count("SELECT COUNT(DISTINCT PREDICT_PROBA('m', ARRAY[a, b])[" + (Integer.parseInt(c) + 1)
                    + "]) FROM noisy");
            assertEquals(distinct + 1, curve.size(), "one point per distinct probability, and the origin");
        }
        assertEquals(rows("SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM noisy', '1')").size(),
                rows("SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM noisy', 1)").size(), "an integer class works too");
    }

    private static void assertCurve(List<Object[]> curve) {
        assertTrue(curve.size() > 10, "a curve with steps: " + curve.size());
        Object[] first = curve.get(0);
        assertEquals(Double.POSITIVE_INFINITY, first[0]);
        assertEquals(0.0, first[1]);
        assertEquals(0.0, first[2]);
        Object[] last = curve.get(curve.size() - 1);
        assertEquals(1.0, last[1]);
        assertEquals(1.0, last[2]);
        for (int i = 1; i < curve.size(); i++) {
            Object[] p = curve.get(i - 1);
            Object[] q = curve.get(i);
            assertTrue((Double) q[0] < (Double) p[0], "thresholds fall");
            assertTrue((Double) q[0] >= 0 && (Double) q[0] <= 1, "thresholds are probabilities");
            assertTrue((Double) q[1] >= (Double) p[1] && (Double) q[2] >= (Double) p[2], "rates never fall");
            assertTrue((Double) q[1] > (Double) p[1] || (Double) q[2] > (Double) p[2], "every point is a step");
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void labelsTheModelNeverSawAre22023AndAreNamed() throws SQLException {
        createBlobs("blobs", 300, 59);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        train("t", "SELECT a, b, name FROM blobs", QUICK);
        assertFails("22023", "ML_EVALUATE", "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y + 1 AS label FROM blobs')",
                "100 rows have labels that model m (version 1) never saw in training, in column LABEL: '3' (100 rows)",
                "its classes are 0, 1, 2", "Leave those rows out");
        assertFails("22023", "ML_EVALUATE", "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y + 0.5 AS label FROM blobs')",
                "300 rows have labels", "'0.5' (100 rows), '1.5' (100 rows), '2.5' (100 rows)");
        assertFails("22023", "ML_CONFUSION_MATRIX", "SELECT * FROM ML_CONFUSION_MATRIX('t', 'SELECT a, b,"
                + " CASE WHEN id = 7 THEN ''south'' ELSE name END FROM blobs')", "1 row has a label", "'south' (1 row)");
        assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('t', 'SELECT a, b, UPPER(name) FROM blobs', 'east')",
                "300 rows have labels", "'NORTH' (100 rows)", "its classes are east, north, west");
    }

    @Test
    void badQueriesAre22023() throws SQLException {
        createBlobs("blobs", 300, 60);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        String fn = "ML_EVALUATE";
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y FROM blobs WHERE id < 0')",
                "the query returned no rows");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT y FROM blobs')",
                "the query has only the column Y", "then the label as the last column");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, y FROM blobs')",
                "model m (version 1) expects 2 features (columns A, B); the query has 1 feature column (A (DOUBLE PRECISION))",
                "before the label column Y");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b FROM blobs')",
                "expects 2 features (columns A, B); the query has 1 feature column (A (DOUBLE PRECISION)) before the label column B");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT pixels, y FROM blobs')",
                "model m (version 1) was trained on 2 numbers", "PIXELS (BINARY VARYING)");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y > 0 FROM blobs')",
                "the last column of the query is the label", "has type BOOLEAN");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, CASE WHEN id = 5 THEN NULL ELSE y END"
                + " AS label FROM blobs ORDER BY id')", "row 5 has a NULL label in column LABEL", "WHERE LABEL IS NOT NULL");
        // A NULL feature is imputed as in training (TabularSqlTest), unless the model was trained with impute error.
        assertEquals(false, rows("SELECT * FROM ML_EVALUATE('m', 'SELECT CASE WHEN id = 6 THEN NULL ELSE a END AS a, b, y"
                + " FROM blobs ORDER BY id')").isEmpty());
        train("strict", "SELECT a, b, y FROM blobs", "{\"hidden\":[4],\"epochs\":1,\"impute\":\"error\"}");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('strict', 'SELECT CASE WHEN id = 6 THEN NULL ELSE a END AS a, b, y"
                + " FROM blobs ORDER BY id')", "row 6 has a NULL in feature column A, B");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', 'SELECT name, b, y FROM blobs')",
                "feature column NAME (CHARACTER VARYING) cannot be feature 1 of model m (version 1), which is a number");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', '')", "the query is empty");
        assertFails("22023", fn, "SELECT * FROM ML_EVALUATE('m', NULL)", "the query is empty");
        SQLException missing = assertFails("42S02", null, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y FROM nosuch')");
        assertTrue(missing.getMessage().startsWith("Table \"NOSUCH\" not found"), missing.getMessage());
    }

    @Test
    void unknownModelsAndClassesAreErrorsWithTheirSqlStates() throws SQLException {
        createBlobs("blobs", 300, 61);
        createPlane("plane", 100, 61);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        train("r", "SELECT a, b, y FROM plane", "{\"hidden\":[4],\"epochs\":2}");
        for (String call : new String[] {"ML_EVALUATE('nope', 'SELECT a, b, y FROM blobs')",
                "ML_CONFUSION_MATRIX('nope', 'SELECT a, b, y FROM blobs')",
                "ML_ROC_CURVE('nope', 'SELECT a, b, y FROM blobs', '1')"}) {
            assertFails("42704", call.substring(0, call.indexOf('(')), "SELECT * FROM " + call, "model nope does not exist");
        }
        assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM blobs', '7')",
                "model m (version 1) has no class '7'; its classes are 0, 1, 2");
        assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM blobs', NULL)",
                "has no class NULL");
        assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('m', 'SELECT a, b, y FROM blobs WHERE y <> 2', '2')",
                "the ROC curve of class '2' needs rows of that class and rows of others; none of the query's 200 rows");
        assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('r', 'SELECT a, b, y FROM plane', '1')",
                "model r (version 1) is a regression model; a ROC curve needs a classifier");
        assertFails("22023", "ML_CONFUSION_MATRIX", "SELECT * FROM ML_CONFUSION_MATRIX('r', 'SELECT a, b, y FROM plane')",
                "is a regression model; a confusion matrix needs a classifier");
        assertFails("22023", "ML_EVALUATE", "SELECT * FROM ML_EVALUATE('r', 'SELECT a, b, CAST(y AS VARCHAR) FROM plane')",
                "needs a number (it is a regression)");
    }

    @Test
    void preparingAnEvaluationRunsNothing() throws SQLException {
        createBlobs("blobs", 300, 62);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        try (PreparedStatement prepared = connection.prepareStatement(
                "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, 1 / (y - y) FROM blobs')")) {
            assertEquals(3, prepared.getMetaData().getColumnCount());
            assertEquals("22012", assertThrows(SQLException.class, prepared::executeQuery).getSQLState());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** ML_EVALUATE's rows as {@code metric} or {@code metric/class} → score. */
    private Map<String, Double> metrics(String model, String query) throws SQLException {
        Map<String, Double> metrics = new HashMap<>();
        for (Object[] row : rows("SELECT metric, class, score FROM ML_EVALUATE('" + model + "', " + quote(query) + ")")) {
            metrics.put(row[1] == null ? (String) row[0] : row[0] + "/" + row[1], (Double) row[2]);
        }
        return metrics;
    }

    /** The figures computed here from PREDICT_PROBA of every row of {@code fromWhere} (with integer labels Y). */
    private Expected expected(String model, String features, String fromWhere, int classCount) throws SQLException {
        List<Object[]> rows = rows("SELECT y, PREDICT_PROBA('" + model + "', " + features + "), PREDICT('" + model + "', "
                + features + ") FROM " + fromWhere);
        int n = rows.size();
        int[] actual = new int[n];
        int[] predicted = new int[n];
        List<float[]> probabilities = new ArrayList<>();
        double loss = 0;
        for (int r = 0; r < n; r++) {
            actual[r] = (Integer) rows.get(r)[0];
            float[] p = floats(rows.get(r)[1]);
            probabilities.add(p);
            for (int c = 1; c < classCount; c++) if (p[c] > p[predicted[r]]) predicted[r] = c;
            assertEquals(rows.get(r)[2], predicted[r], "PREDICT is the most probable class");
            loss -= Math.log(Math.min(Math.max(p[actual[r]], 1e-15), 1 - 1e-15));
        }
        Expected e = new Expected(classCount, actual, predicted, loss / n);
        for (int c = 0; c < classCount; c++) e.auc[c] = auc(actual, probabilities, c);
        return e;
    }

    /** The chance that a row of class c scores above one of another class, ties counting half. */
    private static double auc(int[] actual, List<float[]> probabilities, int c) {
        double won = 0;
        long pairs = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != c) continue;
            for (int j = 0; j < actual.length; j++) {
                if (actual[j] == c) continue;
                float pi = probabilities.get(i)[c];
                float pj = probabilities.get(j)[c];
                won += pi > pj ? 1 : pi == pj ? 0.5 : 0;
                pairs++;
            }
        }
        return won / pairs;
    }

    private static final class Expected {
        final double[] precision;
        final double[] recall;
        final double[] f1;
        final double[] auc;
        final double logLoss;
        final int[] actual;
        final int[] predicted;

        Expected(int classCount, int[] actual, int[] predicted, double logLoss) {
            this.actual = actual;
            this.predicted = predicted;
            this.logLoss = logLoss;
            precision = new double[classCount];
            recall = new double[classCount];
            f1 = new double[classCount];
            auc = new double[classCount];
            for (int c = 0; c < classCount; c++) {
                int tp = 0;
                int predictedAsC = 0;
                int support = 0;
                for (int r = 0; r < actual.length; r++) {
                    if (predicted[r] == c) predictedAsC++;
                    if (actual[r] == c) support++;
                    if (predicted[r] == c && actual[r] == c) tp++;
                }
                precision[c] = predictedAsC == 0 ? 0 : (double) tp / predictedAsC;
                recall[c] = support == 0 ? 0 : (double) tp / support;
                f1[c] = tp == 0 ? 0 : 2.0 * tp / (predictedAsC + support);
            }
        }

        double accuracy() {
            int right = 0;
            for (int r = 0; r < actual.length; r++) if (actual[r] == predicted[r]) right++;
            return (double) right / actual.length;
        }

        double macro(double[] perClass) {
            double sum = 0;
            for (double v : perClass) sum += v;
            return sum / perClass.length;
        }
    }
}

package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_PREDICT(model, query)} through JDBC: the query's rows with PREDICTION and PROBABILITY
 * appended, the same predictions as {@code PREDICT} row by row for every kind of features, the
 * column types, and a column-list call from H2 that runs nothing.
 */
class PredictTableSqlTest extends SqlTestSupport {

    /** 300 rows: one full batch of 256 and a partial one. */
    private static final int ROWS = 300;

    @BeforeEach
    void blobs() throws SQLException {
        createBlobs("blobs", ROWS, 41);
    }

    @Test
    void predictsWhatPredictDoesRowByRowForPlainColumnsArraysAndBytes() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        train("arr", "SELECT features, y FROM blobs", QUICK);
        train("bytes", "SELECT pixels, y FROM blobs", QUICK);
        assertSamePredictions("cols", "SELECT id, a, b FROM blobs", "ARRAY[a, b]");
        assertSamePredictions("arr", "SELECT id, features FROM blobs", "features");
        assertSamePredictions("bytes", "SELECT id, pixels FROM blobs", "pixels");
    }

    /** ML_PREDICT's rows against PREDICT and PREDICT_PROBA of the same rows, by ID. */
    private void assertSamePredictions(String model, String query, String features) throws SQLException {
        List<Object[]> table = rows("SELECT id, prediction, probability FROM ML_PREDICT('" + model + "', "
                + quote(query) + ") ORDER BY id");
        List<Object[]> scalar = rows("SELECT id, PREDICT('" + model + "', " + features + "), PREDICT_PROBA('" + model
                + "', " + features + ") FROM blobs ORDER BY id");
        assertEquals(ROWS, table.size());
        for (int r = 0; r < ROWS; r++) {
            Object[] t = table.get(r);
            Object[] s = scalar.get(r);
            assertEquals(s[0], t[0]);
            assertEquals(s[1], t[1], () -> model + ": prediction of row " + t[0]);
            float max = 0;
            for (float p : floats(s[2])) max = Math.max(max, p);
            assertEquals(max, (Double) t[2], 1e-6, () -> model + ": probability of row " + t[0]);
        }
    }

    @Test
    void appendsPredictionAndProbabilityToEveryColumnOfTheQuery() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        String sql = "SELECT * FROM ML_PREDICT('cols', 'SELECT id, name, b, a, pixels, features FROM blobs')";
        assertEquals(List.of("ID", "NAME", "B", "A", "PIXELS", "FEATURES", "PREDICTION", "PROBABILITY"), columnNames(sql));
        assertEquals(List.of("INTEGER", "CHARACTER VARYING", "DOUBLE PRECISION", "DOUBLE PRECISION",
                "BINARY VARYING", "DOUBLE PRECISION ARRAY", "INTEGER", "DOUBLE PRECISION"), columnTypes(sql));
        List<Object[]> predicted = rows(sql + " ORDER BY id");
        List<Object[]> original = rows("SELECT id, name, b, a, pixels, features, PREDICT('cols', ARRAY[a, b])"
                + " FROM blobs ORDER BY id");
        for (int r = 0; r < ROWS; r++) {
            Object[] p = predicted.get(r);
            Object[] o = original.get(r);
            for (int c : new int[] {0, 1, 2, 3, 6}) assertEquals(o[c], p[c], "column " + c + " of row " + r);
            assertArrayEquals((byte[]) o[4], (byte[]) p[4]);
            assertArrayEquals((Object[]) o[5], (Object[]) p[5]);
        }
        // The features are found by name, whatever the order and case.
        assertEquals(count("SELECT COUNT(*) FROM blobs WHERE PREDICT('cols', ARRAY[a, b]) = y"),
                count("SELECT COUNT(*) FROM ML_PREDICT('cols', 'SELECT B AS \"b\", y, A FROM blobs')"
                        + " WHERE prediction = y"));
    }

    @Test
    void aModelOnPlainColumnsAlsoTakesOneArrayInTheirOrder() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        assertEquals(count("SELECT COUNT(*) FROM blobs WHERE PREDICT('cols', features) = y"),
                count("SELECT COUNT(*) FROM ML_PREDICT('cols', 'SELECT y, features AS f FROM blobs') WHERE prediction = y"));
    }

    @Test
    void predictionIsTypedLikeTheLabel() throws SQLException {
        createPlane("plane", 200, 42);
        execute("CREATE TABLE big AS SELECT a, b, CAST(y AS BIGINT) * 10000000000 AS y FROM blobs");
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        train("text", "SELECT a, b, name FROM blobs", QUICK);
        train("big", "SELECT a, b, y FROM big", QUICK);
        train("plane", "SELECT a, b, y FROM plane", "{\"hidden\":[16],\"epochs\":20,\"learning_rate\":0.01}");
        assertEquals(List.of("INTEGER", "DOUBLE PRECISION"),
                columnTypes("SELECT prediction, probability FROM ML_PREDICT('cols', 'SELECT a, b FROM blobs')"));
        assertEquals(List.of("CHARACTER VARYING", "DOUBLE PRECISION"),
                columnTypes("SELECT prediction, probability FROM ML_PREDICT('text', 'SELECT a, b FROM blobs')"));
        assertEquals(List.of("BIGINT", "DOUBLE PRECISION"),
                columnTypes("SELECT prediction, probability FROM ML_PREDICT('big', 'SELECT a, b FROM blobs')"));
        assertEquals(List.of("A", "B", "PREDICTION"), columnNames("SELECT * FROM ML_PREDICT('plane', 'SELECT a, b FROM plane')"));
        assertEquals(List.of("DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE PRECISION"),
                columnTypes("SELECT * FROM ML_PREDICT('plane', 'SELECT a, b FROM plane')"));

        assertEquals(0, count("SELECT COUNT(*) FROM ML_PREDICT('text', 'SELECT id, a, b FROM blobs') p"
                + " JOIN blobs USING (id) WHERE p.prediction <> PREDICT_LABEL('text', ARRAY[blobs.a, blobs.b])"));
        assertEquals(0, count("SELECT COUNT(*) FROM ML_PREDICT('big', 'SELECT id, a, b FROM blobs') p JOIN blobs USING (id)"
                + " WHERE CAST(p.prediction AS VARCHAR) <> PREDICT_LABEL('big', ARRAY[blobs.a, blobs.b])"));
        assertEquals(20_000_000_000L, value("SELECT MAX(prediction) FROM ML_PREDICT('big', 'SELECT a, b FROM blobs')"));
        List<Object[]> values = rows("SELECT p.prediction, PREDICT_VALUE('plane', ARRAY[p.a, p.b])"
                + " FROM ML_PREDICT('plane', 'SELECT a, b FROM plane') p");
        assertEquals(200, values.size());
        for (Object[] v : values) assertEquals((Double) v[1], (Double) v[0], 1e-5);
    }

    @Test
    void aRowWithNullFeaturesGetsANullPredictionAndTheOthersAreScored() throws SQLException {
        // Plain columns impute NULLs unless trained with impute error (TabularSqlTest); an ARRAY never does.
        train("cols", "SELECT a, b, y FROM blobs", QUICK.replace("}", ",\"impute\":\"error\"}"));
        train("arr", "SELECT features, y FROM blobs", QUICK);
        train("imputing", "SELECT a, b, y FROM blobs", QUICK);
        execute("UPDATE blobs SET a = NULL, features = NULL WHERE id IN (1, 257)");
        assertEquals(ROWS, count("SELECT COUNT(*) FROM ML_PREDICT('imputing', 'SELECT id, a, b FROM blobs')"
                + " WHERE prediction IS NOT NULL"), "a model that imputes scores every row");
        for (String model : new String[] {"cols", "arr"}) {
            List<Object[]> rows = rows("SELECT id, prediction, probability FROM ML_PREDICT('" + model
                    + "', 'SELECT id, a, b, features FROM blobs') ORDER BY id");
            assertEquals(ROWS, rows.size());
            for (Object[] row : rows) {
                boolean nullRow = row[0].equals(1) || row[0].equals(257);
                assertEquals(nullRow, row[1] == null, () -> model + " row " + row[0]);
                assertEquals(nullRow, row[2] == null, () -> model + " row " + row[0]);
            }
        }
    }

    @Test
    void aQueryWithoutRowsGivesNoRowsButTheColumns() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        String sql = "SELECT * FROM ML_PREDICT('cols', 'SELECT id, a, b FROM blobs WHERE id < 0')";
        assertEquals(List.of("ID", "A", "B", "PREDICTION", "PROBABILITY"), columnNames(sql));
        assertEquals(0, rows(sql).size());
    }

    @Test
    void otherColumnTypesPassThroughAndTypesH2CannotRebuildPassAsText() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        execute("CREATE TABLE odd (A DOUBLE PRECISION, B DOUBLE PRECISION, E ENUM('x', 'y'), T TIMESTAMP WITH TIME ZONE,"
                + " D NUMERIC(5, 2) ARRAY, N INTEGER ARRAY ARRAY, V VARCHAR(3) ARRAY, J JSON, U UUID, R ROW(P INT, Q INT))");
        execute("INSERT INTO odd VALUES (0, 3, 'y', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05+01', ARRAY[1.25],"
                + " ARRAY[ARRAY[1, 2]], ARRAY['ab'], JSON '{\"k\":1}', '12345678-1234-1234-1234-123456789012', ROW(1, 2))");
        String sql = "SELECT * FROM ML_PREDICT('cols', 'SELECT * FROM odd')";
        List<String> types = columnTypes(sql);
        assertTrue(types.get(4).startsWith("NUMERIC") && types.get(4).endsWith(" ARRAY"), types.get(4)); // H2's own precision
        types.set(4, "NUMERIC ARRAY");
        assertEquals(List.of("DOUBLE PRECISION", "DOUBLE PRECISION", "CHARACTER VARYING", "TIMESTAMP WITH TIME ZONE",
                "NUMERIC ARRAY", "CHARACTER VARYING", "CHARACTER VARYING ARRAY", "JSON", "UUID", "CHARACTER VARYING",
                "INTEGER", "DOUBLE PRECISION"), types);
        Object[] row = rows(sql).get(0);
        assertEquals("y", row[2]);
        assertEquals(1, count("SELECT COUNT(*) FROM ML_PREDICT('cols', 'SELECT * FROM odd') p, odd"
                + " WHERE p.t = odd.t AND p.d = odd.d AND p.v = odd.v AND p.j = odd.j AND p.u = odd.u"));
        assertEquals("[[1, 2]]", row[5]);
        assertEquals(0, row[10], "the point (0, 3) is north, class 0");
    }

    // ---------------------------------------------------------------- H2's column-list call

    /**
     * H2 asks for the columns while it prepares the statement, through a connection of its own: a
     * query that fails when it runs shows that this call does not run it. The statement's metadata
     * is right all the same.
     */
    @Test
    void preparingAStatementNeitherRunsTheQueryNorScores() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        String failsWhenRun = "SELECT * FROM ML_PREDICT('cols', 'SELECT id, a, b, 1 / (id - id) AS boom FROM blobs')";
        try (PreparedStatement prepared = connection.prepareStatement(failsWhenRun)) {
            ResultSetMetaData meta = prepared.getMetaData();
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                names.add(meta.getColumnLabel(c));
                types.add(meta.getColumnTypeName(c));
            }
            assertEquals(List.of("ID", "A", "B", "BOOM", "PREDICTION", "PROBABILITY"), names);
            assertEquals(List.of("INTEGER", "DOUBLE PRECISION", "DOUBLE PRECISION", "INTEGER", "INTEGER",
                    "DOUBLE PRECISION"), types);
            SQLException e = assertThrows(SQLException.class, prepared::executeQuery);
            assertEquals("22012", e.getSQLState(), "division by zero: the query runs only now");
        }
    }

    /** A sequence counts how often the query's rows are made: once per execution, however often H2 calls ML_PREDICT. */
    @Test
    void theQueryRunsOncePerExecution() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        execute("CREATE SEQUENCE made");
        String sql = "SELECT COUNT(*) FROM ML_PREDICT('cols', 'SELECT NEXT VALUE FOR made AS n, a, b FROM blobs')";
        assertEquals(ROWS, count(sql));
        assertEquals(ROWS, count("SELECT CURRENT VALUE FOR made"));
        try (PreparedStatement prepared = connection.prepareStatement(sql)) {
            assertEquals(ROWS, count("SELECT CURRENT VALUE FOR made"), "preparing made no rows");
            prepared.executeQuery().close();
            prepared.executeQuery().close();
        }
        assertEquals(3L * ROWS, count("SELECT CURRENT VALUE FOR made"));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void anUnknownModelIs42704() throws SQLException {
        assertFails("42704", "ML_PREDICT", "SELECT * FROM ML_PREDICT('nope', 'SELECT a, b FROM blobs')",
                "model nope does not exist");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('bad name', 'SELECT a, b FROM blobs')",
                "a model name must be");
    }

    @Test
    void missingFeatureColumnsAre22023AndNameWhatIsNeeded() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        train("arr", "SELECT features, y FROM blobs", QUICK);
        train("bytes", "SELECT pixels, y FROM blobs", QUICK);
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('cols', 'SELECT id, a FROM blobs')",
                "model cols (version 1) takes its 2 features from the columns A, B", "no column B", "ID (INTEGER)");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('arr', 'SELECT id, a, b FROM blobs')",
                "as one numeric ARRAY column (it was trained on FEATURES)");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('bytes', 'SELECT id, features FROM blobs')",
                "as one VARBINARY column (it was trained on PIXELS)");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('bytes', 'SELECT pixels AS p, pixels AS q FROM blobs')",
                "2 VARBINARY columns (P (BINARY VARYING), Q (BINARY VARYING))", "named PIXELS");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('cols', 'SELECT name AS a, b FROM blobs')",
                "column A (CHARACTER VARYING) is a feature of model cols (version 1) and must be a number");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('cols', 'SELECT a, b, y AS prediction FROM blobs')",
                "the query has a column named PREDICTION", "rename it with AS");
    }

    @Test
    void featuresOfTheWrongWidthAre22023AndNameTheRow() throws SQLException {
        train("arr", "SELECT features, y FROM blobs", QUICK);
        train("bytes", "SELECT pixels, y FROM blobs", QUICK);
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('arr', 'SELECT CASE WHEN id = 270"
                        + " THEN ARRAY[1, 2, 3] ELSE features END AS features FROM blobs ORDER BY id')",
                "row 270: model arr (version 1) expects 2 features, got 3 array elements in column FEATURES");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('bytes', 'SELECT CASE WHEN id = 270"
                        + " THEN X''010203'' ELSE pixels END AS pixels FROM blobs ORDER BY id')",
                "row 270: model bytes (version 1) expects 2 features, got 3 bytes in column PIXELS");
        execute("UPDATE blobs SET features = ARRAY[1, NULL] WHERE id = 270");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('arr', 'SELECT features FROM blobs ORDER BY id')",
                "row 270: element 2 of FEATURES is NULL");
    }

    @Test
    void theQuerysOwnErrorsAreTheDatabases() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        SQLException missing = assertFails("42S02", null, "SELECT * FROM ML_PREDICT('cols', 'SELECT a, b FROM nosuch')");
        assertTrue(missing.getMessage().startsWith("Table \"NOSUCH\" not found"), missing.getMessage());
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('cols', 'DELETE FROM blobs')", "must return rows");
        assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('cols', ' ')", "the query is empty");
        assertEquals(ROWS, count("SELECT COUNT(*) FROM blobs"));
    }

    /**
     * A query without end (a billion rows, read lazily) through a 2-2048-2048-3 tanh network (no
     * layer has zeros to skip), stopped by a timeout of one second: within ten batches' time of it,
     * a batch's time measured just before, on the same rows and network.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryTimeoutStopsTheScoring() throws SQLException {
        train("wide", "SELECT a, b, y FROM blobs", "{\"hidden\":[2048, 2048],\"activation\":\"tanh\",\"epochs\":1}");
        String rows = "SELECT a + x / 1e6 AS a, b FROM blobs, SYSTEM_RANGE(1, 1000000000)";
        double batch = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the fastest of three: the first compiles the kernels
            long start = System.nanoTime();
            assertEquals(256L, count("SELECT COUNT(*) FROM ML_PREDICT('wide', '" + rows + " LIMIT 256')"));
            batch = Math.min(batch, (System.nanoTime() - start) / 1e9);
        }
        long start = System.nanoTime();
        SQLException e;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT COUNT(*) FROM ML_PREDICT('wide', '"
                    + rows + "')"));
        }
        double late = (System.nanoTime() - start) / 1e9 - 1;
        assertEquals("57014", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().startsWith("ML_PREDICT: canceled"), e.getMessage());
        double batchSeconds = batch;
        assertTrue(late < 10 * batchSeconds, () -> "stopped " + late + " s after the timeout; a batch takes " + batchSeconds + " s");
        assertEquals(ROWS, count("SELECT COUNT(*) FROM ML_PREDICT('wide', 'SELECT a, b FROM blobs')"), "usable afterwards");
    }

    @Test
    void worksInAJoinAndAsASubquery() throws SQLException {
        train("cols", "SELECT a, b, y FROM blobs", QUICK);
        long right = count("SELECT COUNT(*) FROM blobs WHERE PREDICT('cols', ARRAY[a, b]) = y");
        assertEquals(right, count("SELECT COUNT(*) FROM blobs JOIN ML_PREDICT('cols', 'SELECT id, a, b FROM blobs') p"
                + " ON p.id = blobs.id WHERE p.prediction = blobs.y"));
        assertEquals(right, count("SELECT COUNT(*) FROM (SELECT * FROM ML_PREDICT('cols', 'SELECT a, b, y FROM blobs'))"
                + " WHERE prediction = y"));
        assertNotNull(value("SELECT MAX(probability) FROM ML_PREDICT('cols', 'SELECT a, b FROM blobs')"));
        assertNull(value("SELECT MAX(probability) FROM ML_PREDICT('cols', 'SELECT a, b FROM blobs WHERE 1 = 0')"));
    }
}

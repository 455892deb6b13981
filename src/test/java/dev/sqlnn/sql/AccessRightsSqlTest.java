package dev.sqlnn.sql;

import dev.sqlnn.data.CsvImporter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what, with real H2 users and roles: every function runs with the caller's rights (the
 * training query, sqlnn's own reads and writes, and the side session that commits the live training
 * log), so the database's grants decide, and its refusal (90096) is what the caller sees. And what
 * cannot be smuggled in: model names are validated, options are JSON read as data, and a training or
 * scoring query is one statement.
 *
 * <p>The roles tested here are those the README's "Rights" section documents: a scorer
 * ({@code SELECT ON SCHEMA SQLNN}), a trainer ({@code SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN})
 * and an importer (an admin, for the server-side imports). Each needs {@code SELECT} on its data too.
 */
class AccessRightsSqlTest extends SqlTestSupport {

    private static final String SMALL = "{\"hidden\":[4],\"epochs\":2}";
    private static final String BLOBS = "SELECT a, b, y FROM blobs";
    private static final String NO_RIGHTS = "Not enough rights for object ";

    @TempDir
    Path dir;

    /** Readable data (BLOBS), data no role may read (SECRET and a view of it), and a model, m, that the admin trained (15 epochs). */
    @BeforeEach
    void dataAndAModel() throws SQLException {
        createBlobs("blobs", 300, 31);
        createBlobs("secret", 300, 32);
        execute("CREATE VIEW secret_view AS SELECT a, b, y FROM secret");
        assertEquals(1L, train("m", BLOBS, QUICK));
    }

    // ---------------------------------------------------------------- the training query, with the caller's rights

    @Test
    void anAnalystCannotTrainOnATableItMayNotReadHoweverItIsReached() throws SQLException {
        execute("CREATE ROLE analyst");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN TO analyst");
        execute("GRANT SELECT ON blobs TO analyst");
        user("al", "analyst");
        try (Connection al = as("al")) {
            // Directly, through a view it may not read, in a subquery, a scalar subquery, a join with a
            // readable table, a CTE: the database's own refusal, naming the object and the training query.
            String[][] cases = {
                    {"SELECT a, b, y FROM secret", "PUBLIC.SECRET"},
                    {"SELECT a, b, y FROM secret_view", "PUBLIC.SECRET_VIEW"},
                    {"SELECT a, b, y FROM blobs WHERE id IN (SELECT id FROM secret)", "PUBLIC.SECRET"},
                    {"SELECT a, b, (SELECT MAX(y) FROM secret) FROM blobs", "PUBLIC.SECRET"},
                    {"SELECT b.a, b.b, s.y FROM blobs b JOIN secret s ON s.id = b.id", "PUBLIC.SECRET"},
                    {"WITH s AS (SELECT * FROM secret) SELECT a, b, y FROM s", "PUBLIC.SECRET"},
            };
            for (String[] c : cases) {
                SQLException e = assertRefused(al, "90096", "SELECT ML_TRAIN('x', ?, ?)", c[0], SMALL);
                assertTrue(e.getMessage().startsWith(NO_RIGHTS + "\"" + c[1] + "\""), e.getMessage());
                assertTrue(e.getMessage().contains(c[0]), () -> "the message shows the training query: " + e.getMessage());
            }
            // Scoring and evaluating run their query with the caller's rights too.
            for (String sql : List.of("SELECT * FROM ML_PREDICT('m', 'SELECT a, b FROM secret')",
                    "SELECT * FROM ML_EVALUATE('m', 'SELECT a, b, y FROM secret_view')",
                    "SELECT * FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM secret')",
                    "SELECT * FROM ML_ROC_CURVE('m', 'SELECT b.a, b.b, s.y FROM blobs b JOIN secret s ON s.id = b.id', '1')")) {
                assertTrue(assertRefused(al, "90096", sql).getMessage().startsWith(NO_RIGHTS + "\"PUBLIC.SECRET"));
            }
            assertEquals(0L, count(al, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'x'"));

            // What it may read, it trains on; and once the role may read the secret table, that too.
            assertEquals(1L, rows(al, "SELECT ML_TRAIN('x', ?, ?)", BLOBS, SMALL).get(0)[0]);
            execute("GRANT SELECT ON secret TO analyst");
            assertEquals(2L, rows(al, "SELECT ML_TRAIN('x', ?, ?)", "SELECT a, b, y FROM secret", SMALL).get(0)[0]);
            // The view is an object of its own: reading the table does not grant it.
            assertRefused(al, "90096", "SELECT ML_TRAIN('x', ?, ?)", "SELECT a, b, y FROM secret_view", SMALL);
        }
    }

    // ---------------------------------------------------------------- no rights on sqlnn's tables

    @Test
    void aUserWithoutRightsOnSqlnnCanChangeNothingAndModelsStillServeOthers() throws SQLException, IOException {
        execute("CREATE ROLE data_reader");
        execute("GRANT SELECT ON blobs TO data_reader");
        user("outsider", "data_reader");
        Path csv = Files.writeString(dir.resolve("people.csv"), "A,B,Y\n1,2,0\n");
        try (Connection outsider = as("outsider")) {
            // sqlnn's first read is refused: the function's name, then the database's refusal.
            String training = assertRefused(outsider, "90096", "SELECT ML_TRAIN('m', ?, ?)", BLOBS, SMALL).getMessage();
            assertTrue(training.startsWith("ML_TRAIN: " + NO_RIGHTS + "\"SQLNN.MODELS\""), training);
            for (String[] c : new String[][] {
                    {"ML_TRAIN", "SELECT ML_TRAIN('other', 'SELECT a, b, y FROM blobs', NULL)"},
                    {"ML_DEPLOY", "SELECT ML_DEPLOY('m')"},
                    {"ML_DEPLOY", "SELECT ML_DEPLOY('m', 1)"},
                    {"ML_DROP", "SELECT ML_DROP('m')"},
                    {"ML_DROP", "SELECT ML_DROP('m', 1)"},
                    {"PREDICT", "SELECT PREDICT('m', ARRAY[0, 3])"},
                    {"ML_PREDICT", "SELECT * FROM ML_PREDICT('m', 'SELECT a, b FROM blobs')"},
            }) {
                String message = assertRefused(outsider, "90096", c[1]).getMessage();
                assertTrue(message.startsWith(c[0] + ": " + NO_RIGHTS + "\"SQLNN."), message);
            }
            // The server-side imports need an admin, whatever the grants: refused before the file is read.
            for (String sql : List.of("SELECT ML_IMPORT_CSV('PEOPLE', " + quote(csv.toString()) + ")",
                    "SELECT ML_IMPORT_CSV('PEOPLE', " + quote(csv.toString()) + ", TRUE)",
                    "SELECT ML_IMPORT_IDX('DIGITS', " + quote(dir.resolve("i.idx").toString()) + ", NULL)")) {
                String message = assertRefused(outsider, "42501", sql).getMessage();
                assertTrue(message.contains("needs admin rights") && message.contains("user OUTSIDER is not an admin"),
                        message);
            }
            assertEquals(0L, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'PEOPLE'"));
            assertRefused(outsider, "90096", "SELECT COUNT(*) FROM SQLNN.MODELS");
        }
        // m still serves: the admin, and a scorer.
        assertEquals(0, value("SELECT PREDICT('m', ARRAY[0, 3])"));
        execute("CREATE ROLE scorer");
        execute("GRANT SELECT ON SCHEMA SQLNN TO scorer");
        user("reader", "scorer");
        try (Connection reader = as("reader")) {
            assertEquals(1, rows(reader, "SELECT PREDICT('m', ARRAY[3, -1])").get(0)[0]);
        }
    }

    // ---------------------------------------------------------------- a read-only scorer

    @Test
    void aReadOnlyRoleScoresEvaluatesAndReadsButChangesNothing() throws SQLException {
        execute("CREATE ROLE scorer");
        execute("GRANT SELECT ON SCHEMA SQLNN TO scorer");
        execute("GRANT SELECT ON blobs TO scorer");
        user("ro", "scorer");
        try (Connection ro = as("ro")) {
            assertEquals(0, rows(ro, "SELECT PREDICT('m', ARRAY[0, 3])").get(0)[0]);
            assertEquals(2, rows(ro, "SELECT PREDICT(ARRAY[-3, -1])").get(0)[0]); // the default model
            assertEquals("1", rows(ro, "SELECT PREDICT_LABEL('m', ARRAY[3, -1])").get(0)[0]);
            assertEquals(3, ((Object[]) rows(ro, "SELECT PREDICT_PROBA('m', ARRAY[0, 3])").get(0)[0]).length);
            assertEquals(300L, count(ro, "SELECT COUNT(*) FROM ML_PREDICT('m', 'SELECT a, b FROM blobs')"));
            assertEquals(1L, count(ro, "SELECT COUNT(*) FROM ML_EVALUATE('m', 'SELECT a, b, y FROM blobs')"
                    + " WHERE METRIC = 'accuracy' AND CLASS IS NULL"));
            assertEquals(300L, count(ro, "SELECT SUM(\"COUNT\") FROM ML_CONFUSION_MATRIX('m', 'SELECT a, b, y FROM blobs')"));
            assertTrue(count(ro, "SELECT COUNT(*) FROM ML_WEIGHTS('m')") > 0);
            assertTrue(((String) rows(ro, "SELECT ML_INFO()").get(0)[0]).startsWith("sqlnn "));
            assertEquals(15L, count(ro, "SELECT COUNT(*) FROM ML_TRAINING_INFO('m')"));
            assertEquals(1L, count(ro, "SELECT COUNT(*) FROM SQLNN.MODELS"));

            for (String[] c : new String[][] {
                    {"ML_TRAIN", "SELECT ML_TRAIN('m', 'SELECT a, b, y FROM blobs', NULL)"},
                    {"ML_TRAIN", "SELECT ML_TRAIN('new', 'SELECT a, b, y FROM blobs', NULL)"},
                    {"ML_DEPLOY", "SELECT ML_DEPLOY('m')"},
                    {"ML_DEPLOY", "SELECT ML_DEPLOY('m', 1)"},
                    {"ML_DROP", "SELECT ML_DROP('m')"},
                    {"ML_DROP", "SELECT ML_DROP('m', 1)"},
            }) {
                String message = assertRefused(ro, "90096", c[1]).getMessage();
                assertTrue(message.startsWith(c[0] + ": " + NO_RIGHTS + "\"SQLNN."), message);
            }
        }
        assertEquals(0, value("SELECT PREDICT('m', ARRAY[0, 3])"));
    }

    @Test
    void scoringByNameNeedsOnlySelectOnModels() throws SQLException {
        // The least a scorer needs: PREDICT(model, ...) and ML_PREDICT read SQLNN.MODELS alone; the
        // default model is found through SQLNN.DEPLOYMENTS, and the training history in TRAINING_LOG.
        execute("CREATE ROLE predict_only");
        execute("GRANT SELECT ON SQLNN.MODELS TO predict_only");
        execute("GRANT SELECT ON blobs TO predict_only");
        user("app", "predict_only");
        try (Connection app = as("app")) {
            assertEquals(0, rows(app, "SELECT PREDICT('m', ARRAY[0, 3])").get(0)[0]);
            assertEquals(300L, count(app, "SELECT COUNT(*) FROM ML_PREDICT('m', 'SELECT a, b FROM blobs')"));
            assertTrue(assertRefused(app, "90096", "SELECT PREDICT(ARRAY[0, 3])").getMessage()
                    .startsWith("PREDICT: " + NO_RIGHTS + "\"SQLNN.DEPLOYMENTS\""));
            assertTrue(assertRefused(app, "90096", "SELECT * FROM ML_TRAINING_INFO('m')").getMessage()
                    .startsWith("ML_TRAINING_INFO: " + NO_RIGHTS + "\"SQLNN.TRAINING_LOG\""));
        }
    }

    // ---------------------------------------------------------------- a trainer

    @Test
    void aTrainerRoleTrainsDeploysAndDrops() throws SQLException {
        execute("CREATE ROLE trainer");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN TO trainer");
        execute("GRANT SELECT ON blobs TO trainer");
        user("tr", "trainer");
        EpochLog.install(this, 1);
        try (Connection tr = as("tr")) {
            assertEquals(1L, rows(tr, "SELECT ML_TRAIN('t', ?, ?)", BLOBS, QUICK).get(0)[0]);
            assertEquals(2L, rows(tr, "SELECT ML_TRAIN('t', ?, ?)", BLOBS, QUICK).get(0)[0]);
            assertEquals(30L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 't'"));
            assertEquals(2L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS WHERE NAME = 't' AND STATUS = 'saved'"));
            assertEquals(1L, rows(tr, "SELECT ML_DEPLOY('t', 1)").get(0)[0]);
            assertEquals(1L, value("SELECT VERSION FROM SQLNN.MODELS WHERE NAME = 't' AND DEPLOYED"));
            assertEquals(0, rows(tr, "SELECT PREDICT('t', ARRAY[0, 3])").get(0)[0]);
            assertEquals(0, value("SELECT PREDICT('t', ARRAY[0, 3])")); // and others score with it
            // A training that fails leaves nothing: the trainer may delete its run's rows.
            assertRefused(tr, "22023", "SELECT ML_TRAIN('t', ?, ?)", BLOBS, "{\"label\":\"nope\",\"epochs\":2}");
            assertEquals(1, rows(tr, "SELECT ML_DROP('t', 2)").get(0)[0]);
            assertEquals(1, rows(tr, "SELECT ML_DROP('t')").get(0)[0]);
            assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 't'"));
            assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 't'"));
            // The trainer may drop the admin's models too: the rights are on the tables, not per model.
            assertEquals(1, rows(tr, "SELECT ML_DROP('m')").get(0)[0]);
        }
    }

    @Test
    void aTrainerNeedsAllFourRights() throws SQLException {
        // Without DELETE: trains and deploys, but cannot drop.
        execute("CREATE ROLE no_delete");
        execute("GRANT SELECT, INSERT, UPDATE ON SCHEMA SQLNN TO no_delete");
        execute("GRANT SELECT ON blobs TO no_delete");
        user("nd", "no_delete");
        // Without UPDATE: its training cannot mark its run saved, so it fails and takes its rows back.
        execute("CREATE ROLE no_update");
        execute("GRANT SELECT, INSERT, DELETE ON SCHEMA SQLNN TO no_update");
        execute("GRANT SELECT ON blobs TO no_update");
        user("nu", "no_update");
        try (Connection nd = as("nd"); Connection nu = as("nu")) {
            assertEquals(1L, rows(nd, "SELECT ML_TRAIN('nd', ?, ?)", BLOBS, SMALL).get(0)[0]);
            assertEquals(2L, rows(nd, "SELECT ML_TRAIN('nd', ?, ?)", BLOBS, SMALL).get(0)[0]);
            assertEquals(1L, rows(nd, "SELECT ML_DEPLOY('nd', 1)").get(0)[0]);
            assertTrue(assertRefused(nd, "90096", "SELECT ML_DROP('nd', 2)").getMessage().startsWith("ML_DROP: " + NO_RIGHTS));
            assertRefused(nd, "90096", "SELECT ML_DROP('m')");

            assertTrue(assertRefused(nu, "90096", "SELECT ML_TRAIN('nu', ?, ?)", BLOBS, SMALL).getMessage()
                    .startsWith("ML_TRAIN: " + NO_RIGHTS + "\"SQLNN.TRAINING_RUNS\""));
            assertRefused(nu, "90096", "SELECT ML_DEPLOY('m')");
        }
    }

    // ---------------------------------------------------------------- the side session

    @Test
    void theLiveLogIsWrittenAsTheCallerNotAsAnAdmin() throws SQLException {
        // Who wrote each row: a column that defaults to the writing session's user.
        execute("ALTER TABLE SQLNN.TRAINING_LOG ADD COLUMN WRITTEN_BY VARCHAR(128) DEFAULT CURRENT_USER");
        execute("ALTER TABLE SQLNN.TRAINING_RUNS ADD COLUMN WRITTEN_BY VARCHAR(128) DEFAULT CURRENT_USER");
        execute("CREATE ROLE trainer");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN TO trainer");
        execute("GRANT SELECT ON blobs TO trainer");
        user("tr", "trainer");
        EpochLog.install(this, 1);
        try (Connection tr = as("tr")) {
            assertEquals(1L, rows(tr, "SELECT ML_TRAIN('t', ?, ?)", BLOBS, SMALL).get(0)[0]);
        }
        assertEquals(List.of("TR"), column("SELECT DISTINCT WRITTEN_BY FROM SQLNN.TRAINING_LOG WHERE NAME = 't'"));
        assertEquals(List.of("TR"), column("SELECT DISTINCT WRITTEN_BY FROM SQLNN.TRAINING_RUNS WHERE NAME = 't'"));
        assertEquals(2L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 't'"));

        // A trainer that may not insert log rows cannot train: the side session has its rights, no more.
        execute("CREATE ROLE no_log");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SQLNN.MODELS TO no_log");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SQLNN.TRAINING_RUNS TO no_log");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SQLNN.DEPLOYMENTS TO no_log");
        execute("GRANT SELECT, UPDATE, DELETE ON SQLNN.TRAINING_LOG TO no_log");
        execute("GRANT SELECT ON blobs TO no_log");
        user("nl", "no_log");
        try (Connection nl = as("nl")) {
            assertTrue(assertRefused(nl, "90096", "SELECT ML_TRAIN('t', ?, ?)", BLOBS, SMALL).getMessage()
                    .startsWith("ML_TRAIN: " + NO_RIGHTS + "\"SQLNN.TRAINING_LOG\""));
        }
    }

    @Test
    void rightsRevokedWhileATrainingRunsStopItAtTheNextEpoch() throws Exception {
        execute("CREATE ROLE trainer");
        execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN TO trainer");
        execute("GRANT SELECT ON blobs TO trainer");
        user("tr", "trainer");
        EpochLog.install(this, 1);
        try (Connection tr = as("tr")) {
            CompletableFuture<Object> training = CompletableFuture.supplyAsync(() -> {
                try {
                    return rows(tr, "SELECT ML_TRAIN('long', ?, ?)", BLOBS, "{\"hidden\":[64],\"epochs\":100000}");
                } catch (SQLException e) {
                    return e;
                }
            });
            // Once an epoch is logged, the role loses the right to log more.
            assertTrue(EpochLog.await(60, TimeUnit.SECONDS), () -> "no epoch was logged: " + training.getNow(null));
            execute("REVOKE INSERT ON SCHEMA SQLNN FROM trainer");
            Object outcome = training.get(30, TimeUnit.SECONDS);
            SQLException e = assertInstanceOf(SQLException.class, outcome);
            assertEquals("90096", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().startsWith("ML_TRAIN: " + NO_RIGHTS + "\"SQLNN.TRAINING_LOG\""), e.getMessage());
            // It took its rows back, as any failed training does (DELETE was not revoked).
            assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'long'"));
            assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS WHERE NAME = 'long'"));
            assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'long'"));
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- importers

    @Test
    void serverSideImportsNeedAnAdminAndClientSideOnesASchemaOfTheirOwn() throws SQLException, IOException {
        Path csv = Files.writeString(dir.resolve("people.csv"), "A,B,Y\n1,2,0\n3,4,1\n");
        user("loader");
        try (Connection loader = as("loader")) {
            assertRefused(loader, "42501", "SELECT ML_IMPORT_CSV('PEOPLE', " + quote(csv.toString()) + ")");
            // From the client (Java API, sqlnn import): the caller's own file, into a schema it owns.
            execute("CREATE SCHEMA staging AUTHORIZATION loader");
            assertEquals(2, CsvImporter.importFile(loader, "STAGING.PEOPLE", csv));
            SQLException elsewhere = assertThrows(SQLException.class,
                    () -> CsvImporter.importFile(loader, "PUBLIC.PEOPLE", csv));
            assertEquals("90096", elsewhere.getSQLState(), elsewhere.getMessage());
        }
        execute("ALTER USER loader ADMIN TRUE");
        try (Connection loader = as("loader")) {
            assertEquals(2, rows(loader, "SELECT ML_IMPORT_CSV('PEOPLE', " + quote(csv.toString()) + ")").get(0)[0]);
        }
        assertEquals(2L, count("SELECT COUNT(*) FROM people"));
    }

    // ---------------------------------------------------------------- injection

    /** Functions whose first argument is not a model: the imports take a table name (see ImportSqlTest). */
    private static final Set<String> NOT_NAMING_A_MODEL = Set.of("ML_IMPORT_IDX", "ML_IMPORT_CSV");

    /**
     * Every installed function and overload whose first argument is a model name (found in
     * INFORMATION_SCHEMA, so that a new one cannot be left out) refuses a name carrying SQL, before it
     * looks at anything else, with 22023 and nothing written.
     */
    @Test
    void modelNamesCarryingSqlAreRefusedEverywhere() throws SQLException {
        createBlobs("t", 30, 1);
        String expected = "a model name must be 1 to 128 letters, digits, '_', '.' or '-'";
        Map<String, List<String>> overloads = modelNamingCalls();
        assertTrue(overloads.keySet().containsAll(List.of("ML_TRAIN", "PREDICT", "PREDICT_VALUE", "ML_PREDICT",
                "ML_CONFUSION_MATRIX", "ML_ROC_CURVE", "ML_WEIGHTS")), overloads.keySet().toString());
        for (String name : List.of("x'); DROP TABLE t; --", "m' OR '1'='1", "m\"; DROP TABLE t; --", "m;", "m m",
                "SQLNN.MODELS WHERE 1=1", "m\n", "bad name!", "n".repeat(129), "", "ünïcode")) {
            for (Map.Entry<String, List<String>> function : overloads.entrySet()) {
                for (String call : function.getValue()) {
                    String sql = call.replace("?", quote(name));
                    assertFails("22023", function.getKey(), sql, expected);
                }
            }
        }
        assertIntact();
    }

    /**
     * For each function (by name) whose first parameter is text and a model name, one query per overload,
     * {@code ?} standing for the model name and plausible values for the rest: a query for the second
     * text, NULL for later ones, {@code ARRAY[0, 3]} for features, 1 for a version, TRUE for a flag, a byte for a file.
     */
    private Map<String, List<String>> modelNamingCalls() throws SQLException {
        Map<String, List<String>> calls = new java.util.TreeMap<>();
        List<Object[]> parameters = rows("SELECT R.ROUTINE_NAME, R.SPECIFIC_NAME, P.DATA_TYPE, R.DATA_TYPE IS NULL"
                + " FROM INFORMATION_SCHEMA.ROUTINES R JOIN INFORMATION_SCHEMA.PARAMETERS P"
                + " ON P.SPECIFIC_SCHEMA = R.SPECIFIC_SCHEMA AND P.SPECIFIC_NAME = R.SPECIFIC_NAME"
                + " WHERE R.ROUTINE_SCHEMA = 'PUBLIC' AND R.EXTERNAL_NAME LIKE 'dev.sqlnn.%'"
                + " ORDER BY R.SPECIFIC_NAME, P.ORDINAL_POSITION");
        Map<String, List<Object[]>> byOverload = new java.util.LinkedHashMap<>();
        for (Object[] p : parameters) byOverload.computeIfAbsent((String) p[1], k -> new ArrayList<>()).add(p);
        for (List<Object[]> overload : byOverload.values()) {
            String function = (String) overload.get(0)[0];
            if (NOT_NAMING_A_MODEL.contains(function) || !"CHARACTER VARYING".equals(overload.get(0)[2])) continue;
            List<String> arguments = new ArrayList<>(List.of("?"));
            for (int i = 1; i < overload.size(); i++) {
                String type = (String) overload.get(i)[2];
                if (type.equals("ARRAY")) continue; // Java varargs (PREDICT('m', col1, col2, ...)): none more
                arguments.add(switch (type) {
                    case "CHARACTER VARYING" -> i == 1 ? "'SELECT a, b, y FROM blobs'" : "NULL";
                    case "JAVA_OBJECT" -> "ARRAY[0, 3]";
                    case "BIGINT", "INTEGER" -> "1";
                    case "BOOLEAN" -> "TRUE";
                    case "BINARY VARYING" -> "X'00'"; // ML_IMPORT_ONNX's file: the name is checked first
                    default -> throw new AssertionError(function + " has a parameter of type " + type + ": add a value");
                });
            }
            boolean table = (Boolean) overload.get(0)[3]; // H2 gives a table function no DATA_TYPE
            calls.computeIfAbsent(function, k -> new ArrayList<>())
                    .add((table ? "SELECT * FROM " : "SELECT ") + function + "(" + String.join(", ", arguments) + ")");
        }
        return calls;
    }

    @Test
    void optionsCarryingSqlAreReadAsDataNeverAsSql() throws SQLException {
        createBlobs("t", 30, 1);
        assertTrainingFails("22023", BLOBS, "{\"label\":\"y; DROP TABLE t\"}",
                "label column 'y; DROP TABLE t' is not in the training query");
        assertTrainingFails("22023", BLOBS, "{\"label\":\"y\\\" FROM t; --\"}",
                "label column 'y\" FROM t; --' is not in the training query");
        assertTrainingFails("22023", BLOBS, "{\"label\":\"y') ; DELETE FROM SQLNN.MODELS; --\"}", "label column");
        assertTrainingFails("22023", BLOBS, "{\"hidden\":\"[4]); DROP TABLE t; --\"}", "hidden");
        assertTrainingFails("22023", BLOBS, "{\"epochs\":\"1; DROP TABLE t\"}", "epochs");
        assertTrainingFails("22023", BLOBS, "'); DROP TABLE t; --");
        assertTrainingFails("22023", BLOBS, "{\"hidden\":[4]}'); DROP TABLE t; --");
        assertIntact();

        // A column really named like an injection is just a column: the label option names it, and
        // the options are stored as the JSON they are.
        String odd = "y'); DROP TABLE t; --";
        execute("CREATE TABLE odd (A DOUBLE PRECISION, B DOUBLE PRECISION, \"" + odd + "\" INT)"
                + " AS SELECT a, b, y FROM blobs");
        String options = "{\"label\":\"" + odd + "\",\"hidden\":[16],\"epochs\":15,\"learning_rate\":0.01}";
        assertEquals(1L, train("odd", "SELECT * FROM odd", options));
        String stored = (String) value("SELECT CAST(OPTIONS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'odd'");
        assertTrue(stored.contains("\"label\":\"" + odd + "\""), stored);
        assertEquals(0, value("SELECT PREDICT('odd', ARRAY[0, 3])"));
        assertIntact();
    }

    @Test
    void aTrainingOrScoringQueryIsOneQueryAndNothingElseRuns() throws SQLException {
        createBlobs("t", 30, 1);
        // Several statements: refused before any runs (H2 alone would return the first one's rows and run the rest).
        String several = "the query must be a single statement";
        for (String query : List.of("SELECT a, b, y FROM blobs; DROP TABLE t",
                "SELECT 1; DROP TABLE t",
                "SELECT a, b, y FROM blobs; DELETE FROM t",
                "SELECT a, b, y FROM blobs; DELETE FROM SQLNN.MODELS; --",
                "SELECT a, b, y FROM blobs; CREATE TABLE u (x INT)",
                "SELECT a, b, y FROM blobs; SELECT a, b, y FROM blobs",
                "SELECT a, b, y FROM blobs;DROP TABLE t;")) {
            assertTrainingFails("22023", query, SMALL, several, query);
            assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('m', " + quote(query) + ")", several);
            assertFails("22023", "ML_EVALUATE", "SELECT * FROM ML_EVALUATE('m', " + quote(query) + ")", several);
            assertFails("22023", "ML_CONFUSION_MATRIX", "SELECT * FROM ML_CONFUSION_MATRIX('m', " + quote(query) + ")",
                    several);
            assertFails("22023", "ML_ROC_CURVE", "SELECT * FROM ML_ROC_CURVE('m', " + quote(query) + ", '1')", several);
            assertIntact();
        }
        // Not a query: the database refuses to run it (90002) or, for ML_PREDICT, sqlnn does (22023).
        for (String statement : List.of("DELETE FROM t", "DROP TABLE t", "INSERT INTO t SELECT * FROM t",
                "UPDATE t SET y = 0", "CREATE TABLE u (x INT)", "TRUNCATE TABLE t", "DELETE FROM SQLNN.MODELS")) {
            assertFails("90002", null, "SELECT ML_TRAIN('m', " + quote(statement) + ", " + quote(SMALL) + ")",
                    "Method is only allowed for a query");
            assertFails("22023", "ML_PREDICT", "SELECT * FROM ML_PREDICT('m', " + quote(statement) + ")", "must return rows");
            assertFails("90002", null, "SELECT * FROM ML_EVALUATE('m', " + quote(statement) + ")");
            assertIntact();
        }
        // One query, with a trailing ';' or comment, is fine.
        assertEquals(2L, train("m", "SELECT a, b, y FROM blobs;", SMALL));
        assertEquals(3L, train("m", "SELECT a, b, y FROM blobs; -- the blobs", SMALL));
        assertEquals(300L, count("SELECT COUNT(*) FROM ML_PREDICT('m', 'SELECT a, b FROM blobs;')"));
    }

    // ---------------------------------------------------------------- helpers

    /** Creates a user with password {@code pw} and grants it the roles. */
    private void user(String name, String... roles) throws SQLException {
        execute("CREATE USER " + name + " PASSWORD 'pw'");
        for (String role : roles) execute("GRANT " + role + " TO " + name);
    }

    private Connection as(String user) throws SQLException {
        return DriverManager.getConnection(url, user, "pw");
    }

    /**
     * Runs {@code sql} as another user, which must fail with {@code state} and leave sqlnn's tables
     * as they were, row for row (read by the admin). Returns the exception.
     */
    private SQLException assertRefused(Connection user, String state, String sql, Object... parameters)
            throws SQLException {
        String before = store();
        SQLException e = assertThrows(SQLException.class, () -> rows(user, sql, parameters),
                () -> "expected " + sql + " to be refused");
        assertEquals(state, e.getSQLState(), () -> "SQLState of " + sql + ": " + e.getMessage());
        assertEquals(before, store(), () -> "nothing may change by " + sql);
        return e;
    }

    /** Every row of sqlnn's tables but the weights, as text. */
    private String store() throws SQLException {
        StringBuilder s = new StringBuilder();
        for (String sql : List.of(
                "SELECT ID, NAME, VERSION, DEPLOYED, CAST(OPTIONS AS VARCHAR), TRAIN_ROWS FROM SQLNN.MODELS ORDER BY ID",
                "SELECT NAME, VERSION, EPOCH, TRAIN_LOSS FROM SQLNN.TRAINING_LOG ORDER BY NAME, VERSION, EPOCH",
                "SELECT NAME, VERSION, STATUS FROM SQLNN.TRAINING_RUNS ORDER BY NAME, VERSION",
                "SELECT ID, NAME, VERSION FROM SQLNN.DEPLOYMENTS ORDER BY ID")) {
            for (Object[] row : rows(sql)) s.append(Arrays.toString(row)).append('\n');
            s.append("--\n");
        }
        return s.toString();
    }

    private List<Object> column(String sql) throws SQLException {
        List<Object> values = new ArrayList<>();
        for (Object[] row : rows(sql)) values.add(row[0]);
        return values;
    }

    /** The data and sqlnn's tables are all there; m still predicts. */
    private void assertIntact() throws SQLException {
        assertEquals(300L, count("SELECT COUNT(*) FROM blobs"));
        assertEquals(30L, count("SELECT COUNT(*) FROM t"));
        assertEquals(0L, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'U'"));
        assertEquals(List.of("DEPLOYMENTS", "MODELS", "SQLNN_SCHEMA_HISTORY", "TRAINING_LOG", "TRAINING_RUNS", "TRIALS"),
                column("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'SQLNN' ORDER BY 1"));
        assertTrue(count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'm'") >= 1);
        assertEquals(0, value("SELECT PREDICT('m', ARRAY[0, 3])"));
        assertArrayEquals(new Object[] {1L}, rows("SELECT MIN(VERSION) FROM SQLNN.MODELS WHERE NAME = 'm'").get(0));
        assertFalse(rows("SELECT * FROM SQLNN.DEPLOYMENTS").isEmpty());
    }
}

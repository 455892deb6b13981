package dev.sqlnn.pg;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sqlnn's functions inside a real PostgreSQL 15 with PL/Java, through JDBC: training in the backend
 * (NOTICEs per epoch, the caller's transaction), scoring with every feature type, the table
 * functions, and the same errors and SQLStates as on H2. One database for the class: loading sqlnn
 * into a database starts a JVM in the backend and loads its jars, seconds that each test need not pay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InServerFunctionsTest {

    private PlJavaDatabase db;
    private long version;

    @BeforeAll
    void trainOnTheDigits() throws SQLException {
        db = PlJavaDatabase.create();
        try (Connection c = db.connect()) {
            IdxReader.Digits train = IdxReader.bundledDigits(true);
            IdxReader.Digits test = IdxReader.bundledDigits(false);
            IdxTable.write(c, "digits", train.images(), train.labels());
            IdxTable.write(c, "digits_test", test.images(), test.labels());
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path = public, sqlnn");
                try (ResultSet rs = s.executeQuery("SELECT ml_train('digits_mlp', 'SELECT image, label FROM digits"
                        + " WHERE id <= 3000', '{\"hidden\":[64],\"epochs\":3,\"seed\":7}')")) {
                    rs.next();
                    version = rs.getLong(1);
                }
                List<String> notices = new ArrayList<>();
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    if (w.getMessage().startsWith("ML_TRAIN")) notices.add(w.getMessage()); // not the JVM's start-up log
                }
                assertEquals(3, notices.size(), "a NOTICE per epoch: " + notices);
                assertTrue(notices.get(0).startsWith("ML_TRAIN: epoch 1/3, train loss "), notices.get(0));
            }
        }
    }

    @AfterAll
    void drop() throws SQLException {
        if (db != null) db.close();
    }

    @Test
    void installingAgainChangesNothing() throws SQLException {
        assertEquals(PgInstaller.Outcome.UP_TO_DATE, Sqlnn.installInServer(db.dataSource()));
    }

    @Test
    void predictsInsideTheServerAsWellAsTheClientEngineMeasures() throws SQLException {
        try (Connection c = db.connect()) {
            double inServer = scalar(c, "SELECT avg(CASE WHEN sqlnn.predict('digits_mlp', image) = label THEN 1.0 ELSE 0 END)"
                    + " FROM digits_test");
            double clientSide = Sqlnn.evaluate(c, "digits_mlp", "SELECT image, label FROM digits_test")
                    .classification().accuracy();
            assertTrue(inServer > 0.85, "test accuracy " + inServer);
            assertEquals(clientSide, inServer, 1e-12, "the same model scores the same bits in the server and the client");
            scalar(c, "SELECT sqlnn.ml_deploy('digits_mlp', " + version + ")"); // other tests deploy models of their own
            assertEquals(inServer, scalar(c, "SELECT avg(CASE WHEN sqlnn.predict(image) = label THEN 1.0 ELSE 0 END)"
                    + " FROM digits_test"), 1e-12, "the default model is the one deployed last");
            assertEquals(inServer, scalar(c, "SELECT avg(CASE WHEN sqlnn.predict_label('digits_mlp', image) = label::text"
                    + " THEN 1.0 ELSE 0 END) FROM digits_test"), 1e-12);
        }
    }

    @Test
    void probabilitiesSumToOneAndAgreeWithTheClass() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sqlnn.predict_proba('digits_mlp', image), sqlnn.predict('digits_mlp', image)"
                     + " FROM digits_test ORDER BY id LIMIT 20")) {
            while (rs.next()) {
                Float[] p = (Float[]) rs.getArray(1).getArray();
                assertEquals(10, p.length);
                double sum = 0;
                int best = 0;
                for (int i = 0; i < p.length; i++) {
                    sum += p[i];
                    if (p[i] > p[best]) best = i;
                }
                assertEquals(1, sum, 1e-4);
                assertEquals(rs.getInt(2), best);
            }
        }
    }

    @Test
    void everyArrayTypeScoresLikeTheBytesItHolds() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE arrays AS SELECT id, label, image,"
                    + " ARRAY(SELECT get_byte(image, i)::real FROM generate_series(0, 783) i) AS r,"
                    + " ARRAY(SELECT get_byte(image, i)::double precision FROM generate_series(0, 783) i) AS d,"
                    + " ARRAY(SELECT get_byte(image, i)::numeric FROM generate_series(0, 783) i) AS n"
                    + " FROM digits_test WHERE id <= 5");
            for (String column : List.of("r", "n")) { // training takes each array type too
                s.execute("SELECT sqlnn.ml_train('tab_" + column + "', 'SELECT " + column + ", label FROM arrays',"
                        + " '{\"hidden\":[8],\"epochs\":2,\"validation_fraction\":0,\"seed\":3}')");
            }
            s.execute("SELECT sqlnn.ml_train('tab', 'SELECT d, label FROM arrays', '{\"hidden\":[8],\"epochs\":2,\"validation_fraction\":0,\"seed\":3}')");
            assertEquals(0, scalar(c, "SELECT count(*) FROM arrays WHERE sqlnn.predict_proba('tab', d)"
                    + " IS DISTINCT FROM sqlnn.predict_proba('tab_r', d) OR sqlnn.predict_proba('tab', d)"
                    + " IS DISTINCT FROM sqlnn.predict_proba('tab_n', d)"), "the same numbers train the same model, whatever their array type");
            try (ResultSet rs = s.executeQuery("SELECT sqlnn.predict('tab', r), sqlnn.predict('tab', d), sqlnn.predict('tab', n),"
                    + " sqlnn.predict_label('tab', r) FROM arrays ORDER BY id")) {
                while (rs.next()) {
                    assertEquals(rs.getInt(1), rs.getInt(2));
                    assertEquals(rs.getInt(1), rs.getInt(3));
                    assertEquals(Integer.toString(rs.getInt(1)), rs.getString(4));
                }
            }
            SQLException hole = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT sqlnn.predict('tab', (SELECT r FROM arrays LIMIT 1)[1:783] || NULL::real)"));
            assertEquals("22023", hole.getSQLState());
            assertTrue(hole.getMessage().contains("PREDICT: feature 784 of 784 is NULL; model tab (version 1) needs a number"
                    + " in every position"), hole.getMessage());
        }
    }

    @Test
    void badInputGetsTheSqlStatesAndMessagesOfH2() throws SQLException {
        try (Connection c = db.connect()) {
            SQLException width = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT sqlnn.predict('digits_mlp', substring(image from 2)) FROM digits_test LIMIT 1"));
            assertEquals("22023", width.getSQLState());
            assertTrue(width.getMessage().contains("PREDICT: model digits_mlp (version " + version + ") expects 784 features,"
                    + " got 783 bytes"), width.getMessage());
            SQLException unknown = assertThrows(SQLException.class, () -> scalar(c, "SELECT sqlnn.predict('nope', '\\x00'::bytea)"));
            assertEquals("42704", unknown.getSQLState());
            assertTrue(unknown.getMessage().contains("PREDICT: model nope does not exist"), unknown.getMessage());
            SQLException options = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT sqlnn.ml_train('m', 'SELECT image, label FROM digits', '{\"epochs\":0}')"));
            assertEquals("22023", options.getSQLState());
            assertTrue(options.getMessage().contains("ML_TRAIN: option 'epochs' must be a positive integer"), options.getMessage());
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sqlnn.predict('digits_mlp', NULL::bytea)")) {
                rs.next();
                assertNull(rs.getObject(1), "a NULL feature gives NULL");
            }
        }
    }

    @Test
    void aRolledBackTrainingLeavesNothing() throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            scalar(c, "SELECT sqlnn.ml_train('rolled_back', 'SELECT image, label FROM digits WHERE id <= 300',"
                    + " '{\"hidden\":[8],\"epochs\":1}')");
            c.rollback();
            c.setAutoCommit(true);
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.models WHERE name = 'rolled_back'"));
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.training_log WHERE name = 'rolled_back'"));
        }
    }

    @Test
    void aStatementTimeoutStopsTheTrainingWithNothingSaved() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            warmUp(c);
            s.execute("SET statement_timeout = '1500ms'");
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT sqlnn.ml_train('timed_out',"
                    + " 'SELECT image, label FROM digits', '{\"hidden\":[256],\"epochs\":1000}')"));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals("57014", e.getSQLState(), e.getMessage());
            assertTrue(seconds < 30, "stopped within a batch of the timeout, not at the end: " + seconds + " s");
            s.execute("SET statement_timeout = 0");
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.models WHERE name = 'timed_out'"));
        }
    }

    @Test
    void aStatementTimeoutStopsASearchWithNothingSaved() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            warmUp(c);
            s.execute("SET statement_timeout = '1500ms'");
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT sqlnn.ml_train('timed_out_search',"
                    + " 'SELECT image, label FROM digits', '{\"hidden\":[64],\"epochs\":1000,\"search\":{\"l2\":[0,0.001]}}')"));
            assertEquals("57014", e.getSQLState(), e.getMessage());
            s.execute("SET statement_timeout = 0");
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.models WHERE name = 'timed_out_search'"));
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.trials WHERE name = 'timed_out_search'"));
        }
    }

    @Test
    void aRoleWithoutRightsOnTheTableGets42501AndNothingIsWritten() throws SQLException {
        String role = "sqlnn_reader_" + Long.toHexString(System.nanoTime());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA sqlnn TO " + role);
            try (Connection other = DriverManager.getConnection(db.url().replaceFirst("\\?.*", "") + "?user=" + role + "&password=pw")) {
                SQLException e = assertThrows(SQLException.class, () -> scalar(other,
                        "SELECT sqlnn.ml_train('forbidden', 'SELECT image, label FROM digits', '{\"epochs\":1}')"));
                assertEquals("42501", e.getSQLState(), e.getMessage());
            }
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.models WHERE name = 'forbidden'"));
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DROP OWNED BY " + role);
                s.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void pgCancelBackendStopsTheTrainingWithNothingSaved() throws Exception {
        try (Connection c = db.connect(); Connection other = db.connect()) {
            warmUp(c);
            int pid = (int) scalar(c, "SELECT pg_backend_pid()");
            var canceller = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                canceller.schedule(() -> {
                    try (Statement s = other.createStatement()) {
                        s.execute("SELECT pg_cancel_backend(" + pid + ")");
                    }
                    return null;
                }, 1500, java.util.concurrent.TimeUnit.MILLISECONDS);
                SQLException e = assertThrows(SQLException.class, () -> scalar(c, "SELECT sqlnn.ml_train('cancelled',"
                        + " 'SELECT image, label FROM digits', '{\"hidden\":[256],\"epochs\":1000}')"));
                assertEquals("57014", e.getSQLState(), e.getMessage());
            } finally {
                canceller.shutdownNow();
            }
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.models WHERE name = 'cancelled'"));
        }
    }

    @Test
    void aDamagedBlobIs22000NamingTheVersion() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT sqlnn.ml_train('damaged', 'SELECT image, label FROM digits WHERE id <= 300',"
                    + " '{\"hidden\":[8],\"epochs\":1}')");
            s.execute("UPDATE sqlnn.models SET weights = overlay(weights placing '\\xff'::bytea from 40) WHERE name = 'damaged'");
            SQLException e = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT sqlnn.predict('damaged', image) FROM digits_test LIMIT 1"));
            assertEquals("22000", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("PREDICT: model damaged version 1 is damaged"), e.getMessage());
        }
    }

    @Test
    void aModelTrainedInTheServerScoresTheSameBitsInH2() throws SQLException {
        try (Connection pg = db.connect();
             Connection h2 = DriverManager.getConnection("jdbc:h2:mem:from_pg_" + System.nanoTime())) {
            Sqlnn.install(h2);
            Sqlnn.copyModel(pg, h2, "digits_mlp", version);
            try (Statement s = h2.createStatement()) {
                s.execute("CREATE TABLE digits_test (id INT, image VARBINARY(784))");
            }
            try (Statement read = pg.createStatement();
                 ResultSet rows = read.executeQuery("SELECT id, image, sqlnn.predict_proba('digits_mlp', image)"
                         + " FROM digits_test ORDER BY id LIMIT 50");
                 PreparedStatement score = h2.prepareStatement("SELECT PREDICT_PROBA('digits_mlp', ?)")) {
                while (rows.next()) {
                    score.setBytes(1, rows.getBytes(2));
                    try (ResultSet h = score.executeQuery()) {
                        h.next();
                        Object[] inH2 = (Object[]) h.getArray(1).getArray();
                        Float[] inPg = (Float[]) rows.getArray(3).getArray();
                        for (int i = 0; i < inPg.length; i++) {
                            assertEquals(Float.floatToIntBits(inPg[i]), Float.floatToIntBits(((Number) inH2[i]).floatValue()),
                                    "row " + rows.getInt(1) + ", class " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aModelTrainedInH2ScoresTheSameBitsInTheServer() throws SQLException {
        try (Connection pg = db.connect();
             Connection h2 = DriverManager.getConnection("jdbc:h2:mem:to_pg_" + System.nanoTime())) {
            Sqlnn.install(h2);
            try (Statement s = h2.createStatement()) {
                s.execute("CREATE TABLE t (x1 DOUBLE PRECISION, x2 DOUBLE PRECISION, y INT) AS"
                        + " SELECT MOD(X * 37, 101) / 25.0 - 2, MOD(X * 53, 97) / 24.0 - 2, 0 FROM SYSTEM_RANGE(1, 300)");
                s.execute("UPDATE t SET y = CASE WHEN x1 * x2 > 0 THEN 1 ELSE 0 END");
                s.execute("SELECT ML_TRAIN('from_h2', 'SELECT x1, x2, y FROM t', '{\"hidden\":[16],\"epochs\":20}')");
            }
            Sqlnn.copyModel(h2, pg, "from_h2", null);
            try (PreparedStatement inH2 = h2.prepareStatement("SELECT PREDICT_PROBA('from_h2', ARRAY[CAST(? AS DOUBLE PRECISION), ?])");
                 PreparedStatement inPg = pg.prepareStatement("SELECT sqlnn.predict_proba('from_h2', ARRAY[?::float8, ?::float8])")) {
                for (double x = -2; x <= 2; x += 0.5) {
                    inH2.setDouble(1, x);
                    inH2.setDouble(2, 1 - x);
                    inPg.setDouble(1, x);
                    inPg.setDouble(2, 1 - x);
                    try (ResultSet a = inH2.executeQuery(); ResultSet b = inPg.executeQuery()) {
                        a.next();
                        b.next();
                        Object[] h = (Object[]) a.getArray(1).getArray();
                        Float[] p = (Float[]) b.getArray(1).getArray();
                        for (int i = 0; i < p.length; i++) {
                            assertEquals(Float.floatToIntBits(((Number) h[i]).floatValue()), Float.floatToIntBits(p[i]), "x " + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aRoleGivenAtInstallIsTheOneThatMayCallTheFunctions() throws SQLException {
        String role = "sqlnn_caller_" + Long.toHexString(System.nanoTime());
        String outsider = role + "_x";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
            s.execute("CREATE ROLE " + outsider + " LOGIN PASSWORD 'pw'");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sqlnn TO " + role + ", " + outsider);
            Sqlnn.installInServer(db.dataSource(), role);
            String base = db.url().replaceFirst("\\?.*", "");
            try (Connection granted = DriverManager.getConnection(base + "?user=" + role + "&password=pw")) {
                assertTrue(((String) object(granted, "SELECT sqlnn.ml_info()")).startsWith("sqlnn "));
            }
            try (Connection other = DriverManager.getConnection(base + "?user=" + outsider + "&password=pw")) {
                SQLException e = assertThrows(SQLException.class, () -> object(other, "SELECT sqlnn.ml_info()"));
                assertEquals("42501", e.getSQLState(), e.getMessage());
            }
        } finally {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                Sqlnn.installInServer(db.dataSource()); // PUBLIC again, for the other tests
                s.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA sqlnn TO PUBLIC");
                s.execute("GRANT USAGE ON SCHEMA sqlnn TO PUBLIC");
                for (String r : List.of(role, outsider)) {
                    s.execute("DROP OWNED BY " + r);
                    s.execute("DROP ROLE " + r);
                }
            }
        }
    }

    @Test
    void aDeployCommittedByAnotherSessionIsSeenByTheNextStatement() throws SQLException {
        try (Connection a = db.connect(); Connection b = db.connect(); Statement sb = b.createStatement()) {
            sb.execute("SELECT sqlnn.ml_train('two', 'SELECT image, label FROM digits WHERE id <= 500',"
                    + " '{\"hidden\":[16],\"epochs\":1,\"deploy\":\"always\"}')");
            sb.execute("SELECT sqlnn.ml_train('two', 'SELECT image, label FROM digits WHERE id <= 500',"
                    + " '{\"hidden\":[16],\"epochs\":2,\"deploy\":\"never\"}')");
            String query = "SELECT sqlnn.predict_proba('two', image) FROM digits_test WHERE id = 1";
            float[] first = floats(a, query); // session a decodes and caches version 1
            sb.execute("SELECT sqlnn.ml_deploy('two', 2)");
            float[] second = floats(a, query);
            sb.execute("SELECT sqlnn.ml_deploy('two', 1)");
            assertTrue(!Arrays.equals(first, second), "version 2 scores differently from version 1");
            assertArrayEquals(first, floats(a, query), "and back to version 1 once it is deployed again");
        }
    }

    @Test
    void tableFunctionsAnswerAsOnH2() throws SQLException {
        try (Connection c = db.connect()) {
            assertEquals(scalar(c, "SELECT avg(CASE WHEN sqlnn.predict('digits_mlp', image) = label THEN 1.0 ELSE 0 END)"
                            + " FROM digits_test"),
                    scalar(c, "SELECT score FROM sqlnn.ml_evaluate('digits_mlp', 'SELECT image, label FROM digits_test')"
                            + " WHERE metric = 'accuracy'"), 1e-12);
            assertEquals(2000, scalar(c, "SELECT sum(count) FROM sqlnn.ml_confusion_matrix('digits_mlp',"
                    + " 'SELECT image, label FROM digits_test')"));
            assertEquals(1.0, scalar(c, "SELECT max(tpr) FROM sqlnn.ml_roc_curve('digits_mlp',"
                    + " 'SELECT image, label FROM digits_test', '3')"));
            assertEquals(3, scalar(c, "SELECT count(*) FROM sqlnn.ml_training_info('digits_mlp', " + version + ")"));
            assertEquals(784 * 64 + 64 + 64 * 10 + 10, scalar(c, "SELECT count(*) FROM sqlnn.ml_weights('digits_mlp')"));
            assertEquals(scalar(c, "SELECT count(*) FROM digits_test WHERE sqlnn.predict('digits_mlp', image) = label"),
                    scalar(c, "SELECT count(*) FROM sqlnn.ml_predict('digits_mlp', 'SELECT id, image FROM digits_test') p"
                            + " JOIN digits_test d ON d.id = p.key::int WHERE p.prediction = d.label::text"));
            String info = (String) object(c, "SELECT sqlnn.ml_info()");
            assertTrue(info.startsWith("sqlnn " + Sqlnn.version() + "; kernels: "), info);
        }
    }

    /**
     * ml_explain_predict and ml_global_explain in the backend: each digit's attributions over all 784
     * pixels add up to its probability minus the black image's, within 1%, as on H2; a model of text,
     * boolean and NULL columns names its one-hot inputs column=category; bad arguments are refused as on H2.
     */
    @Test
    void explanationsAddUpAndNameTheirFeaturesAsOnH2() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            String digits = "'SELECT id, image FROM digits_test WHERE id <= 8'";
            try (ResultSet rs = s.executeQuery("SELECT key, min(probability - baseline), sum(attribution), count(*),"
                    + " min(prediction) FROM sqlnn.ml_explain_predict('digits_mlp', " + digits + ", 784) GROUP BY key")) {
                int keys = 0;
                while (rs.next()) {
                    keys++;
                    double change = rs.getDouble(2);
                    double sum = rs.getDouble(3);
                    assertEquals(784, rs.getInt(4));
                    assertTrue(Math.abs(sum - change) <= 0.01 * Math.abs(change),
                            "row " + rs.getString(1) + ": attributions sum to " + sum + ", probability - baseline is " + change);
                }
                assertEquals(8, keys);
            }
            assertEquals(0, scalar(c, "SELECT count(*) FROM sqlnn.ml_explain_predict('digits_mlp', " + digits + ") e"
                    + " JOIN sqlnn.ml_predict('digits_mlp', " + digits + ") p ON p.key = e.key"
                    + " WHERE p.prediction <> e.prediction OR p.probability <> e.probability"));
            assertEquals(8 * 5, scalar(c, "SELECT count(*) FROM sqlnn.ml_explain_predict('digits_mlp', " + digits + ")"
                    + " WHERE feature ~ '^pixel_[0-9]+_[0-9]+$' AND rank BETWEEN 1 AND 5"), "top 5 by default");
            assertEquals(784, scalar(c, "SELECT count(*) FROM sqlnn.ml_global_explain('digits_mlp', " + digits + ")"));
            assertEquals(1, scalar(c, "SELECT rank FROM sqlnn.ml_global_explain('digits_mlp', " + digits + ")"
                    + " ORDER BY mean_abs_attribution DESC, rank LIMIT 1"));

            s.execute("CREATE TABLE visits AS SELECT g AS id, (ARRAY['north','south','east'])[g % 3 + 1] AS region,"
                    + " g % 5 = 0 AS vip, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 10 END AS visits,"
                    + " CASE WHEN g % 3 = 1 OR g % 5 = 0 THEN 'buys' ELSE 'leaves' END AS outcome FROM generate_series(1, 300) g");
            s.execute("SELECT sqlnn.ml_train('visits', 'SELECT region, vip, visits, outcome FROM visits',"
                    + " '{\"hidden\":[8],\"epochs\":20,\"learning_rate\":0.02}')");
            List<String> features = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT feature FROM sqlnn.ml_global_explain('visits',"
                    + " 'SELECT id, region, vip, visits FROM visits') ORDER BY feature")) {
                while (rs.next()) features.add(rs.getString(1));
            }
            assertTrue(features.containsAll(List.of("REGION=north", "REGION=south", "REGION=east", "REGION=(other)",
                    "REGION=(NULL)", "VIP=true", "VIP=false", "VISITS")), features.toString());
            assertEquals(0, scalar(c, "SELECT count(*) FROM (SELECT key, min(probability - baseline) AS change,"
                    + " sum(attribution) AS total FROM sqlnn.ml_explain_predict('visits', 'SELECT id, region, vip, visits"
                    + " FROM visits', 100) GROUP BY key) t WHERE abs(total - change) > 0.01 * abs(change)"));

            SQLException topK = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT count(*) FROM sqlnn.ml_explain_predict('digits_mlp', " + digits + ", 0)"));
            assertEquals("22023", topK.getSQLState());
            assertTrue(topK.getMessage().contains("ML_EXPLAIN_PREDICT: top_k must be 1 to 1000000 features per row; got 0"),
                    topK.getMessage());
            SQLException unknown = assertThrows(SQLException.class,
                    () -> scalar(c, "SELECT count(*) FROM sqlnn.ml_global_explain('nope', " + digits + ")"));
            assertEquals("42704", unknown.getSQLState());
            assertTrue(unknown.getMessage().contains("ML_GLOBAL_EXPLAIN: model nope does not exist"), unknown.getMessage());
        }
    }

    @Test
    void textBooleanAndNullColumnsTrainAndScoreInTheServer() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop AS SELECT g AS id, (ARRAY['north','south','east'])[g % 3 + 1] AS region,"
                    + " g % 5 = 0 AS vip, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 10 END AS visits,"
                    + " CASE WHEN g % 3 = 0 AND g % 5 = 0 THEN 'buys' WHEN g % 3 = 1 THEN 'buys' ELSE 'leaves' END AS outcome"
                    + " FROM generate_series(1, 600) g");
            s.execute("SELECT sqlnn.ml_train('shop', 'SELECT region, vip, visits, outcome FROM shop',"
                    + " '{\"hidden\":[16],\"epochs\":40,\"learning_rate\":0.02}')");
            assertEquals(1.0, scalar(c, "SELECT score FROM sqlnn.ml_evaluate('shop', 'SELECT visits, vip, region, outcome"
                    + " FROM shop') WHERE metric = 'accuracy'"), 1e-12);
            assertEquals(600, scalar(c, "SELECT count(*) FROM sqlnn.ml_predict('shop', 'SELECT id, region, vip, visits"
                    + " FROM shop') p JOIN shop ON shop.id = p.key::int WHERE p.prediction = shop.outcome"));
        }
    }

    @Test
    void aWarmStartContinuesTheDeployedVersionInTheServer() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, cos(g) AS b, g % 2 AS y"
                    + " FROM generate_series(1, 200) g");
            String options = "{\"hidden\":[4],\"epochs\":3";
            assertEquals(1, scalar(c, "SELECT sqlnn.ml_train('w', 'SELECT a, b, y FROM pts', '" + options + "}')"), 0);
            assertEquals(2, scalar(c, "SELECT sqlnn.ml_train('w', 'SELECT a, b, y FROM pts', '" + options
                    + ",\"warm_start\":true}')"), 0);
            assertEquals(6, scalar(c, "SELECT max(epoch) FROM sqlnn.ml_training_info('w', 2)"), 0);
            SQLException e = assertThrows(SQLException.class, () -> scalar(c, "SELECT sqlnn.ml_train('w',"
                    + " 'SELECT a, b, y FROM pts', '{\"hidden\":[8],\"warm_start\":true}')"));
            assertEquals("22023", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("give \"hidden\":[4]"), e.getMessage());
        }
    }

    @Test
    void aHyperparameterSearchRunsInTheServerAndItsTrialsAreListed() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE search_pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, cos(g) AS b,"
                    + " g % 2 AS y FROM generate_series(1, 200) g");
            String query = "'SELECT a, b, y FROM search_pts'";
            assertEquals(1, scalar(c, "SELECT sqlnn.ml_train('searched', " + query + ", '{\"epochs\":3,"
                    + "\"search\":{\"hidden\":[[4],[8]],\"l2\":[0,0.001]}}')"), 0);
            assertEquals(4, scalar(c, "SELECT count(*) FROM sqlnn.ml_trials('searched')"), 0);
            assertEquals(1, scalar(c, "SELECT count(*) FROM sqlnn.ml_trials('searched', 1) WHERE best"), 0);
            assertEquals(8, scalar(c, "SELECT (options->'hidden'->>0)::int FROM sqlnn.ml_trials('searched') WHERE trial = 3"), 0);
            // The saved version's options are the best trial's.
            assertEquals(1, scalar(c, "SELECT count(*) FROM sqlnn.ml_trials('searched') t, sqlnn.models m"
                    + " WHERE m.name = 'searched' AND t.best AND m.options->'hidden' = t.options->'hidden'"
                    + " AND (m.options->>'l2')::float8 = (t.options->>'l2')::float8"), 0);
            assertEquals(3, scalar(c, "SELECT count(*) FROM sqlnn.ml_training_info('searched', 1)"), 0);
            SQLException e = assertThrows(SQLException.class, () -> scalar(c, "SELECT sqlnn.ml_train('searched', "
                    + query + ", '{\"search\":{\"l2\":[]}}')"));
            assertEquals("22023", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("option 'search.l2' must be a non-empty list"), e.getMessage());
            SQLException none = assertThrows(SQLException.class, () -> scalar(c, "SELECT count(*) FROM sqlnn.ml_trials('nothing')"));
            assertEquals("42704", none.getSQLState(), none.getMessage());
        }
    }

    @Test
    void psqlShowsEachEpochAsItEndsAndScoresUnqualifiedWithTheSearchPath() throws Exception {
        java.nio.file.Path psql = java.nio.file.Path.of("/usr/bin/psql");
        if (!java.nio.file.Files.isExecutable(psql)) {
            String message = "/usr/bin/psql is missing: apt-get install postgresql-client";
            if (dev.sqlnn.Ci.active()) throw new AssertionError(message);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, message + "; skipping");
        }
        var m = java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+)\\?user=([^&]+)&password=(.*)")
                .matcher(db.url());
        assertTrue(m.matches(), db.url());
        ProcessBuilder pb = new ProcessBuilder(psql.toString(), "-X", "-q", "-A", "-t", "-h", m.group(1), "-p",
                m.group(2) == null ? "5432" : m.group(2), "-U", m.group(4), m.group(3),
                "-c", "SET search_path = public, sqlnn",
                "-c", "SELECT ml_train('from_psql', 'SELECT image, label FROM digits WHERE id <= 600',"
                        + " '{\"hidden\":[16],\"epochs\":2,\"deploy\":\"never\"}')",
                "-c", "SELECT ml_deploy('from_psql')",
                "-c", "SELECT id, predict('from_psql', image) FROM digits_test ORDER BY id LIMIT 3");
        pb.environment().put("PGPASSWORD", m.group(5));
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        List<String> lines = output.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("NOTICE:  ML_TRAIN: epoch 1/2, train loss ")), output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("NOTICE:  ML_TRAIN: epoch 2/2, train loss ")), output);
        assertEquals(2, lines.stream().filter("1"::equals).count(), "ml_train gave version 1 and ml_deploy deployed it: " + output);
        assertEquals(3, lines.stream().filter(l -> l.matches("[123]\\|[0-9]")).count(), output);
    }

    @Test
    void mlExportWritesAnOnnxFileThatOnnxRuntimeScoresLikePredictProba() throws Exception {
        try (Connection c = db.connect()) {
            byte[] onnx;
            try (PreparedStatement p = c.prepareStatement("SELECT sqlnn.ml_export('digits_mlp', ?)")) {
                p.setLong(1, version);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    onnx = rs.getBytes(1);
                }
            }
            assertArrayEquals(onnx, dev.sqlnn.client.ClientFunctions.export(c, "digits_mlp", version),
                    "the client engine exports the same file");
            List<byte[]> images = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT image, sqlnn.predict_proba('digits_mlp', image) FROM digits_test"
                         + " ORDER BY id LIMIT 500")) {
                while (rs.next()) {
                    images.add(rs.getBytes(1));
                    Float[] boxed = (Float[]) rs.getArray(2).getArray();
                    float[] p = new float[boxed.length];
                    for (int k = 0; k < p.length; k++) p[k] = boxed[k];
                    expected.add(p);
                }
            }
            try (dev.sqlnn.model.onnx.OnnxRun run = new dev.sqlnn.model.onnx.OnnxRun(onnx)) {
                assertEquals(String.valueOf(version), run.metadata().get("sqlnn.model_version"));
                // the model's feature column as the backend's JDBC labelled it
                float[][] probabilities = (float[][]) run.bytes(run.inputNames().get(0), images).run().get("probabilities");
                for (int i = 0; i < probabilities.length; i++) {
                    for (int k = 0; k < 10; k++) assertEquals(expected.get(i)[k], probabilities[i][k], 1e-5, "digit " + i);
                }
            }
            SQLException unknown = assertThrows(SQLException.class, () -> object(c, "SELECT sqlnn.ml_export('nope')"));
            assertEquals("42704", unknown.getSQLState());
            assertTrue(unknown.getMessage().contains("ML_EXPORT: model nope does not exist"), unknown.getMessage());
            SQLException noVersion = assertThrows(SQLException.class, () -> object(c, "SELECT sqlnn.ml_export('digits_mlp', 999)"));
            assertEquals("42704", noVersion.getSQLState());
            SQLException noName = assertThrows(SQLException.class, () -> object(c, "SELECT sqlnn.ml_export(NULL)"));
            assertEquals("22023", noName.getSQLState());
        }
    }

    /**
     * A short training first, on the connection a test will cancel: the backend's JVM loads sqlnn's
     * classes from the database as they are first used, and a cancel that lands in such a load fails
     * it (NoClassDefFoundError) rather than the training, which is what these tests are about.
     */
    private static void warmUp(Connection c) throws SQLException {
        String name = "warm_" + Long.toHexString(System.nanoTime());
        scalar(c, "SELECT sqlnn.ml_train('" + name + "', 'SELECT image, label FROM digits WHERE id <= 200',"
                + " '{\"hidden\":[256],\"epochs\":1}')");
        scalar(c, "SELECT sqlnn.ml_drop('" + name + "')");
    }

    private static float[] floats(Connection c, String sql) throws SQLException {
        Array a = (Array) object(c, sql);
        Float[] boxed = (Float[]) a.getArray();
        float[] out = new float[boxed.length];
        for (int i = 0; i < out.length; i++) out[i] = boxed[i];
        return out;
    }

    private static double scalar(Connection c, String sql) throws SQLException {
        return ((Number) object(c, sql)).doubleValue();
    }

    private static Object object(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getObject(1);
        }
    }
}

package dev.sqlnn.client;

import dev.sqlnn.PostgresTestDatabase;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.GlobalExplanation;
import dev.sqlnn.model.ModelEvaluation;
import dev.sqlnn.model.TrainingProgress;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sqlnn on a real PostgreSQL server, from the client JVM: train from a Postgres query, keep the model
 * as a row of sqlnn.models, score into a Postgres table, evaluate, and copy the model to H2, where
 * PREDICT gives the same predictions.
 */
class ClientFunctionsPostgresTest {

    private static final String SMALL = "{\"hidden\":[32],\"epochs\":3,\"learning_rate\":0.003,\"seed\":7}";

    private PostgresTestDatabase database;
    private Connection pg;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = PostgresTestDatabase.create();
        pg = database.connect();
        Sqlnn.install(pg);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (pg != null) pg.close();
        if (database != null) database.close();
    }

    @Test
    void digitsTrainedOnPostgresScoreTheSameAfterCopyingToH2() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(pg, "digits", train.images(), train.labels());
        IdxTable.write(pg, "digits_test", test.images(), test.labels());

        assertEquals(1L, Sqlnn.train(pg, "digits", "SELECT image, label FROM digits", SMALL));
        assertEquals(List.of("784-32-10|7200|true"),
                strings(pg, "SELECT layers || '|' || train_rows || '|' || deployed FROM sqlnn.models"));
        assertEquals(List.of("3"), strings(pg, "SELECT COUNT(*) FROM sqlnn.training_log WHERE name = 'digits'"));
        assertEquals(List.of("saved"), strings(pg, "SELECT status FROM sqlnn.training_runs"));
        assertEquals(List.of("object|true"), strings(pg, "SELECT jsonb_typeof(metrics) || '|' ||"
                + " ((metrics->>'accuracy')::float8 > 0.8) FROM sqlnn.models"), "metrics are stored as jsonb objects");

        assertEquals(2000L, Sqlnn.predictInto(pg, "digits", "SELECT id, image FROM digits_test", "digit_predictions"));
        assertEquals(2000L, Sqlnn.predictInto(pg, "digits", "SELECT id, image FROM digits_test WHERE id <= 1000",
                "digit_predictions") + 1000, "appends to an existing table");
        double accuracy = Double.parseDouble(strings(pg, "SELECT AVG(CASE WHEN p.prediction = t.label THEN 1.0 ELSE 0 END)"
                + " FROM digit_predictions p JOIN digits_test t ON t.id = p.id").get(0));
        assertTrue(accuracy > 0.85, () -> "test accuracy " + accuracy);
        assertEquals(List.of("id:int4", "image:bytea", "prediction:int4", "probability:float8"), columns(pg, "digit_predictions"));

        runPsqlExamples();

        ModelEvaluation onPostgres = Sqlnn.evaluate(pg, "digits", "SELECT image, label FROM digits_test");
        assertEquals(2000, onPostgres.rowCount());

        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:copy-" + UUID.randomUUID())) {
            Sqlnn.install(h2);
            assertEquals(1L, Sqlnn.copyModel(pg, h2, "digits", null));
            IdxTable.write(h2, "DIGITS_TEST", test.images(), test.labels());
            Map<String, Double> h2Metrics = new HashMap<>();
            try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT METRIC, CLASS, SCORE FROM ML_EVALUATE('digits', 'SELECT image, label FROM digits_test')")) {
                while (rs.next()) h2Metrics.put(rs.getString(1) + "/" + rs.getString(2), rs.getDouble(3));
            }
            for (ModelEvaluation.Metric m : onPostgres.metrics()) {
                assertEquals(m.score(), h2Metrics.get(m.name() + "/" + m.className()), 1e-12, m.name() + " " + m.className());
            }
            Map<Integer, Integer> h2Predictions = new HashMap<>();
            try (Statement s = h2.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ID, PREDICT('digits', IMAGE) FROM DIGITS_TEST")) {
                while (rs.next()) h2Predictions.put(rs.getInt(1), rs.getInt(2));
            }
            try (Statement s = pg.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, prediction FROM digit_predictions WHERE id > 1000 OR ctid IN "
                         + "(SELECT ctid FROM digit_predictions LIMIT 2000)")) {
                int compared = 0;
                while (rs.next()) {
                    assertEquals(h2Predictions.get(rs.getInt(1)), rs.getInt(2), "digit " + rs.getInt(1));
                    compared++;
                }
                assertTrue(compared >= 2000);
            }
            assertEquals(List.of("3"), strings(h2, "SELECT COUNT(*) FROM SQLNN.TRAINING_LOG"));
            SQLException again = assertThrows(SQLException.class, () -> Sqlnn.copyModel(pg, h2, "digits", 1L));
            assertEquals("22023", again.getSQLState(), again::getMessage);
            // And back: a model trained on H2 scores on Postgres.
            try (Statement s = h2.createStatement()) {
                s.execute("CALL ML_DROP('digits')");
            }
            assertEquals(1L, Sqlnn.copyModel(pg, h2, "digits", 1L));

            // And the other way: a model trained on H2 scores on Postgres, the same classes for every digit.
            IdxTable.write(h2, "DIGITS", test.images(), test.labels());
            try (Statement s = h2.createStatement()) {
                s.execute("SELECT ML_TRAIN('from_h2', 'SELECT image, label FROM digits', '{\"hidden\":[16],\"epochs\":2}')");
            }
            assertEquals(1L, Sqlnn.copyModel(h2, pg, "from_h2", null));
            assertEquals(2000L, Sqlnn.predictInto(pg, "from_h2", "SELECT id, image FROM digits_test", "from_h2_predictions"));
            Map<Integer, Integer> onH2 = new HashMap<>();
            try (Statement s = h2.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ID, PREDICT('from_h2', IMAGE) FROM DIGITS_TEST")) {
                while (rs.next()) onH2.put(rs.getInt(1), rs.getInt(2));
            }
            try (Statement s = pg.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, prediction FROM from_h2_predictions")) {
                int compared = 0;
                while (rs.next()) {
                    assertEquals(onH2.get(rs.getInt(1)), rs.getInt(2), "digit " + rs.getInt(1));
                    compared++;
                }
                assertEquals(2000, compared);
            }
            assertEquals(List.of("2"), strings(pg, "SELECT COUNT(*) FROM sqlnn.training_log WHERE name = 'from_h2'"),
                    "the log travels with the model");
        }
    }

    /** The queries of sql/postgresql/models.sql, the README's examples for psql, each returning rows. */
    private void runPsqlExamples() throws SQLException {
        String script;
        try {
            script = java.nio.file.Files.readString(java.nio.file.Path.of("sql/postgresql/models.sql"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String code = script.lines().filter(l -> !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
        int statements = 0;
        for (String sql : code.split(";")) {
            if (sql.isBlank()) continue;
            assertTrue(!strings(pg, sql).isEmpty(), () -> "no rows from " + sql);
            statements++;
        }
        assertEquals(4, statements);
    }

    @Test
    void numericArraysAndColumnsAreFeatures() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts (id int, a double precision, b numeric(10, 4), r real[], d double precision[],"
                    + " n numeric[], y int)");
        }
        Random random = new Random(3);
        try (PreparedStatement p = pg.prepareStatement("INSERT INTO pts VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < 400; i++) {
                double a = random.nextGaussian() + (i % 2 == 0 ? -2 : 2);
                double b = random.nextGaussian();
                p.setInt(1, i);
                p.setDouble(2, a);
                p.setBigDecimal(3, java.math.BigDecimal.valueOf(b).setScale(4, java.math.RoundingMode.HALF_UP));
                p.setArray(4, pg.createArrayOf("float4", new Float[]{(float) a, (float) b}));
                p.setArray(5, pg.createArrayOf("float8", new Double[]{a, b}));
                p.setArray(6, pg.createArrayOf("numeric", new java.math.BigDecimal[]{
                        java.math.BigDecimal.valueOf(a), java.math.BigDecimal.valueOf(b)}));
                p.setInt(7, i % 2);
                p.addBatch();
            }
            p.executeBatch();
        }
        String options = "{\"hidden\":[8],\"epochs\":20,\"learning_rate\":0.02,\"seed\":1}";
        for (String features : List.of("a, b", "r", "d", "n")) {
            String model = "m_" + features.replace(", ", "");
            Sqlnn.train(pg, model, "SELECT " + features + ", y FROM pts", options);
            ModelEvaluation e = Sqlnn.evaluate(pg, model, "SELECT " + features + ", y FROM pts");
            assertTrue(e.classification().accuracy() > 0.9, () -> features + ": accuracy " + e.classification().accuracy());
        }
        assertEquals(400L, Sqlnn.predictInto(pg, "m_r", "SELECT id, r FROM pts", "pts_scored"));
        assertEquals(List.of("id:int4", "r:_float4", "prediction:int4", "probability:float8"), columns(pg, "pts_scored"));
    }

    @Test
    void textBooleanAndNullColumnsTrainAndScoreAsOnH2() throws SQLException {
        try (Statement s = pg.createStatement()) {
            // PostgreSQL's driver says 't' for a boolean and pads char(3): categories must not notice.
            s.execute("CREATE TABLE shop AS SELECT g AS id, (ARRAY['north','south','east'])[g % 3 + 1] AS region,"
                    + " CAST(CASE WHEN g % 2 = 0 THEN 'A' ELSE 'B' END AS char(3)) AS plan, g % 5 = 0 AS vip,"
                    + " CASE WHEN g % 7 = 0 THEN NULL ELSE g % 10 END AS visits,"
                    + " CASE WHEN g % 3 = 0 AND g % 5 = 0 THEN 'buys' WHEN g % 3 = 1 THEN 'buys' ELSE 'leaves' END AS outcome"
                    + " FROM generate_series(1, 600) g");
        }
        String features = "region, plan, vip, visits";
        Sqlnn.train(pg, "shop", "SELECT " + features + ", outcome FROM shop", "{\"hidden\":[16],\"epochs\":40,\"learning_rate\":0.02}");
        ModelEvaluation e = Sqlnn.evaluate(pg, "shop", "SELECT visits, vip, plan, region, outcome FROM shop");
        assertEquals(1.0, e.classification().accuracy(), 1e-9, "region and vip decide, found by name in any order");
        assertEquals(600L, Sqlnn.predictInto(pg, "shop", "SELECT id, " + features + " FROM shop", "shop_scored"));
        assertEquals(List.of("0"), strings(pg, "SELECT COUNT(*) FROM shop_scored s JOIN shop USING (id)"
                + " WHERE s.prediction <> shop.outcome OR s.prediction IS NULL"), "NULL visits are imputed, not skipped");
        // The same model copied to H2 scores the same rows alike through PREDICT_LABEL('m', col1, col2, ...).
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:shop-" + UUID.randomUUID())) {
            Sqlnn.install(h2);
            Sqlnn.copyModel(pg, h2, "shop", null);
            assertEquals(List.of("buys"), strings(h2, "SELECT PREDICT_LABEL('shop', 'north', 'A', TRUE, NULL)"));
            assertEquals(List.of("leaves"), strings(h2, "SELECT PREDICT_LABEL('shop', 'east', 'B  ', FALSE, 3)"));
            // What the model leans on, from PostgreSQL's rows in this JVM, is what ML_GLOBAL_EXPLAIN finds in H2.
            List<GlobalExplanation.Feature> onPostgres = Sqlnn.globalExplain(pg, "shop",
                    "SELECT " + features + " FROM shop WHERE id <= 60 ORDER BY id");
            execute(h2, "CREATE TABLE shop AS SELECT * FROM (VALUES " + shopRows(60) + ") AS t(id, region, plan, vip, visits)");
            List<String> inH2 = strings(h2, "SELECT rank || '|' || feature || '|' || mean_abs_attribution FROM"
                    + " ML_GLOBAL_EXPLAIN('shop', 'SELECT " + features + " FROM shop ORDER BY id')");
            assertEquals(inH2.size(), onPostgres.size());
            for (int i = 0; i < inH2.size(); i++) {
                String[] h2Row = inH2.get(i).split("\\|");
                GlobalExplanation.Feature f = onPostgres.get(i);
                assertEquals(h2Row[0] + "|" + h2Row[1], f.rank() + "|" + f.name());
                assertEquals(Double.parseDouble(h2Row[2]), f.meanAbsoluteAttribution(), 1e-12, f.name());
            }
            assertTrue(onPostgres.get(0).name().startsWith("region=") || onPostgres.get(0).name().startsWith("vip="),
                    "region and vip decide, named as PostgreSQL labels the columns: " + onPostgres);
        }
    }

    @Test
    void aWarmStartContinuesAVersionStoredInPostgres() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, cos(g) AS b, g % 2 AS y"
                    + " FROM generate_series(1, 200) g");
        }
        String options = "{\"hidden\":[4],\"epochs\":3,\"deploy\":\"always\"}";
        assertEquals(1L, Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", options));
        assertEquals(2L, Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", options.replace("}", ",\"warm_start\":true}")));
        assertEquals(List.of("4", "5", "6"), strings(pg, "SELECT epoch FROM sqlnn.training_log WHERE version = 2 ORDER BY epoch"));
        assertState("22023", () -> Sqlnn.train(pg, "m", "SELECT a, y FROM pts", options.replace("}", ",\"warm_start\":true}")));
        assertState("42704", () -> Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", options.replace("}", ",\"init_version\":9}")));
        assertEquals(List.of("2"), strings(pg, "SELECT COUNT(*) FROM sqlnn.models"), "the refused ones wrote nothing");
    }

    @Test
    void aSearchStoresTheBestVersionWithItsTrialsInPostgres() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, cos(g) AS b, g % 2 AS y"
                    + " FROM generate_series(1, 200) g");
        }
        assertEquals(1L, Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts",
                "{\"hidden\":[4],\"epochs\":3,\"cv\":2,\"search\":{\"l2\":[0,0.001]}}"));
        assertEquals(List.of("1 {\"l2\": 0} 2", "2 {\"l2\": 0.001} 2"), strings(pg, "SELECT trial || ' ' || options"
                + " || ' ' || jsonb_array_length(fold_scores) FROM sqlnn.trials WHERE name = 'm' ORDER BY trial"));
        assertEquals(List.of("1"), strings(pg, "SELECT COUNT(*) FROM sqlnn.trials WHERE best"));
        assertEquals(List.of("3"), strings(pg, "SELECT COUNT(*) FROM sqlnn.training_log WHERE version = 1"),
                "the log holds the winner's training on all the rows");
        assertState("22023", () -> Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", "{\"search\":{\"seed\":[1]}}"));
    }

    @Test
    void versionsAreDeployedAndDroppedAsByMlDeployAndMlDrop() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, cos(g) AS b, g % 2 AS y"
                    + " FROM generate_series(1, 200) g");
        }
        String options = "{\"hidden\":[4],\"epochs\":2,\"deploy\":\"always\"}";
        assertEquals(1L, Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", options));
        assertEquals(2L, Sqlnn.train(pg, "m", "SELECT a, b, y FROM pts", options));
        assertEquals(List.of("2"), strings(pg, "SELECT version FROM sqlnn.models WHERE deployed"));
        assertEquals(1L, Sqlnn.deploy(pg, "m", 1L));
        assertEquals(List.of("1"), strings(pg, "SELECT version FROM sqlnn.models WHERE deployed"));
        assertEquals(2L, Sqlnn.predictInto(pg, "m", "SELECT id, a, b FROM pts WHERE id <= 2", "scored"));
        assertEquals(1, Sqlnn.drop(pg, "m", 2L));
        assertState("42704", () -> Sqlnn.deploy(pg, "m", 2L));
        assertState("42704", () -> Sqlnn.drop(pg, "m", 2L));
        assertEquals(1, Sqlnn.drop(pg, "m", null));
        assertEquals(List.of("0|0|0"), strings(pg, "SELECT (SELECT COUNT(*) FROM sqlnn.models) || '|' || "
                + "(SELECT COUNT(*) FROM sqlnn.training_runs) || '|' || (SELECT COUNT(*) FROM sqlnn.training_log)"));
        assertState("42704", () -> Sqlnn.predictInto(pg, "m", "SELECT id, a, b FROM pts", "scored"));
    }

    @Test
    void epochsAreVisibleToOtherClientsWhileTheTrainingRuns() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + random() AS a, random() AS b, g % 2 AS y"
                    + " FROM generate_series(1, 300) g");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(database.url());
        List<String> seen = new ArrayList<>();
        TrainingListener watcher = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats stats) {
                try (Connection other = database.connect()) {
                    seen.add(strings(other, "SELECT COUNT(*) || '/' || MIN(status) FROM sqlnn.training_log l JOIN"
                            + " sqlnn.training_runs r USING (name, version) WHERE name = 'live'").get(0));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        TrainingProgress.add(watcher);
        try {
            assertEquals(1L, Sqlnn.train(ds, "live", "SELECT a, b, y FROM pts", "{\"hidden\":[4],\"epochs\":3}"));
        } finally {
            TrainingProgress.remove(watcher);
        }
        assertEquals(List.of("1/running", "2/running", "3/running"), seen);
        assertEquals(List.of("saved"), strings(pg, "SELECT status FROM sqlnn.training_runs WHERE name = 'live'"));
    }

    @Test
    void aVersionReservedByAnotherClientAMomentBeforeIsSkipped() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, (g % 2) * 4.0 - 2 + sin(g) AS a, g % 2 AS y"
                    + " FROM generate_series(1, 100) g");
            // The other client's run of version 1, hidden by row security from this client's choice of a
            // version (as a row committed between that choice and the insert would be), not from the key.
            s.execute("INSERT INTO sqlnn.training_runs (name, version, status) VALUES ('race', 1, 'running')");
            s.execute("CREATE POLICY not_yet ON sqlnn.training_runs USING (NOT (name = 'race' AND version = 1))"
                    + " WITH CHECK (true)");
            s.execute("ALTER TABLE sqlnn.training_runs ENABLE ROW LEVEL SECURITY");
            s.execute("ALTER TABLE sqlnn.training_runs FORCE ROW LEVEL SECURITY");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(database.url());
        assertEquals(2L, Sqlnn.train(ds, "race", "SELECT a, y FROM pts", "{\"hidden\":[4],\"epochs\":1}"));
        try (Statement s = pg.createStatement()) {
            s.execute("ALTER TABLE sqlnn.training_runs DISABLE ROW LEVEL SECURITY");
        }
        assertEquals(List.of("1:running", "2:saved"), strings(pg, "SELECT version || ':' || status FROM sqlnn.training_runs"
                + " ORDER BY version"), "the other client's run is not taken for an abandoned one");
    }

    /**
     * The errors of sqlnn's own checks are those of the H2 functions, message and SQLState: each bad call
     * here is made on PostgreSQL through the Java API and on H2 through the SQL function, on the same table.
     */
    @Test
    void badInputGivesTheSameErrorsAsOnH2AndLeavesNoModel() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, g * 1.0 AS a, 'x' || g AS label FROM generate_series(1, 50) g");
        }
        // Names folded to lower case on H2 too, as PostgreSQL folds them: messages name the query's columns.
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:same-errors-" + UUID.randomUUID()
                + ";DATABASE_TO_LOWER=TRUE")) {
            Sqlnn.install(h2);
            try (Statement s = h2.createStatement()) {
                s.execute("CREATE TABLE pts AS SELECT \"X\" AS id, \"X\" * 1.0 AS a, 'x' || \"X\" AS label FROM SYSTEM_RANGE(1, 50)");
            }
            assertSameError(h2, "SELECT ML_TRAIN('m', 'SELECT a, id FROM pts', '{\"epochs\":0}')",
                    () -> Sqlnn.train(pg, "m", "SELECT a, id FROM pts", "{\"epochs\":0}"));
            assertSameError(h2, "SELECT ML_TRAIN('bad name!', 'SELECT a, id FROM pts', '{}')",
                    () -> Sqlnn.train(pg, "bad name!", "SELECT a, id FROM pts", "{}"));
            assertSameError(h2, "SELECT ML_TRAIN('m', ' ', '{}')", () -> Sqlnn.train(pg, "m", " ", "{}"));
            assertSameError(h2, "SELECT ML_TRAIN('m', 'SELECT a, id FROM pts WHERE false', '{}')",
                    () -> Sqlnn.train(pg, "m", "SELECT a, id FROM pts WHERE false", "{}"));
            assertSameError(h2, "SELECT ML_TRAIN('m', 'SELECT a, id FROM pts', '{\"label\":\"nope\"}')",
                    () -> Sqlnn.train(pg, "m", "SELECT a, id FROM pts", "{\"label\":\"nope\"}"));
            assertState("42P01", () -> Sqlnn.train(pg, "m", "SELECT a, id FROM missing_table", "{}"));
            assertSameError(h2, "SELECT * FROM ML_PREDICT('nobody', 'SELECT id, a FROM pts')",
                    () -> Sqlnn.predictInto(pg, "nobody", "SELECT id, a FROM pts", "out"));
            assertSameError(h2, "SELECT * FROM ML_EVALUATE('nobody', 'SELECT a, id FROM pts')",
                    () -> Sqlnn.evaluate(pg, "nobody", "SELECT a, id FROM pts"));
            assertState("42704", () -> Sqlnn.copyModel(pg, pg, "nobody", null));
            assertEquals(List.of("0|0|0"), strings(pg, "SELECT (SELECT COUNT(*) FROM sqlnn.models) || '|' || "
                    + "(SELECT COUNT(*) FROM sqlnn.training_runs) || '|' || (SELECT COUNT(*) FROM sqlnn.training_log)"));
            assertTrue(pg.getAutoCommit(), "autocommit is given back");

            String options = "{\"hidden\":[4],\"epochs\":2}";
            Sqlnn.train(pg, "m", "SELECT a, label FROM pts", options);
            try (Statement s = h2.createStatement()) {
                s.execute("SELECT ML_TRAIN('m', 'SELECT a, label FROM pts', '" + options + "')");
            }
            assertSameError(h2, "SELECT * FROM ML_PREDICT('m', 'SELECT id FROM pts')",
                    () -> Sqlnn.predictInto(pg, "m", "SELECT id FROM pts", "out"));
            assertState("22023", () -> Sqlnn.predictInto(pg, "m", "SELECT a FROM pts", "out; DROP TABLE pts"));
            // The label column named: each database names an unnamed expression its own way.
            assertSameError(h2, "SELECT * FROM ML_EVALUATE('m', 'SELECT a, ''y'' || id AS y FROM pts')",
                    () -> Sqlnn.evaluate(pg, "m", "SELECT a, 'y' || id AS y FROM pts"));
        }
        assertEquals(List.of("1"), strings(pg, "SELECT COUNT(*) FROM sqlnn.models"));
        assertEquals(List.of("0"), strings(pg, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'out'"));

        // A query is one statement: a second one is the database's syntax error, and none of it runs.
        assertState("42601", () -> Sqlnn.train(pg, "m", "SELECT a, label FROM pts; DROP TABLE pts", "{}"));
        assertState("42601", () -> Sqlnn.predictInto(pg, "m", "SELECT a FROM pts; DELETE FROM pts", "out"));
        assertState("42601", () -> Sqlnn.evaluate(pg, "m", "SELECT a, label FROM pts; DELETE FROM pts"));
        assertEquals(List.of("50"), strings(pg, "SELECT COUNT(*) FROM pts"));
        // A trailing semicolon, or a trailing comment, is still one query.
        assertEquals(2L, Sqlnn.train(pg, "m", "SELECT a, label FROM pts ; ", "{\"hidden\":[4],\"epochs\":2}"));
        assertEquals(50L, Sqlnn.evaluate(pg, "m", "SELECT a, label FROM pts -- all of them").rowCount());
    }

    private interface Call {
        void run() throws SQLException;
    }

    /**
     * {@code call} on PostgreSQL fails as {@code h2Sql} does on H2: the same SQLState and message (H2's
     * own echo of the statement, {@code "; SQL statement: ..."}, and its error code left out).
     */
    private static void assertSameError(Connection h2, String h2Sql, Call call) {
        SQLException onH2 = assertThrows(SQLException.class, () -> {
            try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery(h2Sql)) {
                rs.next();
            }
        }, h2Sql);
        SQLException onPostgres = assertThrows(SQLException.class, call::run, h2Sql);
        String expected = withoutTypeNames(withoutH2sEcho(onH2.getMessage()));
        assertEquals(onH2.getSQLState(), onPostgres.getSQLState(), () -> h2Sql + ": " + onPostgres.getMessage());
        assertEquals(expected, withoutTypeNames(onPostgres.getMessage()), () -> "as H2 says to " + h2Sql);
    }

    private static String withoutH2sEcho(String message) {
        int echo = message.indexOf("; SQL statement:");
        String text = echo < 0 ? message : message.substring(0, echo);
        return text.replaceFirst(" \\[[0-9]+-[0-9]+]$", "");
    }

    /** The query's columns listed with each database's own name of their types (BIGINT on H2, int4 here). */
    private static String withoutTypeNames(String message) {
        int columns = message.indexOf("the query's columns are ");
        if (columns < 0) return message;
        return message.substring(0, columns) + message.substring(columns).replaceAll("(\\w+) \\([^()]+\\)", "$1 (type)");
    }

    private static void assertState(String state, Call call) {
        SQLException e = assertThrows(SQLException.class, call::run);
        assertEquals(state, e.getSQLState(), e::getMessage);
    }

    /** The first {@code n} rows of the shop table's features, as {@code textBooleanAndNullColumnsTrainAndScoreAsOnH2} makes them on PostgreSQL, for H2's VALUES. */
    private static String shopRows(int n) {
        StringBuilder rows = new StringBuilder();
        String[] regions = {"north", "south", "east"};
        for (int g = 1; g <= n; g++) {
            if (g > 1) rows.append(", ");
            rows.append("(").append(g).append(", '").append(regions[g % 3]).append("', '").append(g % 2 == 0 ? "A" : "B")
                    .append("', ").append(g % 5 == 0 ? "TRUE" : "FALSE").append(", ").append(g % 7 == 0 ? "NULL" : g % 10)
                    .append(")");
        }
        return rows.toString();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) values.add(rs.getString(1));
        }
        return values;
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, c.getSchema(), table, null)) {
            while (rs.next()) columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
        }
        return columns;
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line on a real PostgreSQL server: train, predict --into, eval, models, models copy to H2. */
class PostgresCommandsTest {

    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = PostgresTestDatabase.create();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT g AS id, CASE WHEN g % 2 = 0 THEN -2.0 ELSE 2.0 END + sin(g) AS a,"
                    + " cos(g * 7) AS b, g % 2 AS y FROM generate_series(1, 400) g");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) database.close();
    }

    @Test
    void trainPredictEvalAndCopyToH2(@TempDir Path dir) throws SQLException {
        String url = database.url();
        CliRun train = CliRun.of("train", "--url", url, "--model", "m", "--query", "SELECT a, b, y FROM pts;",
                "--options", "{\"hidden\":[8],\"epochs\":5,\"learning_rate\":0.02}");
        assertEquals(0, train.exitCode(), train::toString);
        assertTrue(train.out().contains("epoch 5/5") && train.out().contains("Saved m version 1"), train::toString);

        CliRun predict = CliRun.of("predict", "--url", url, "--model", "m", "--query", "SELECT id, a, b FROM pts",
                "--into", "pts_scored");
        assertEquals(0, predict.exitCode(), predict::toString);
        assertTrue(predict.out().contains("Wrote 400 scored rows into pts_scored"), predict::toString);
        CliRun printed = CliRun.of("predict", "--url", url, "--model", "m", "--query", "SELECT id, a, b FROM pts ORDER BY id",
                "--limit", "3");
        assertEquals(0, printed.exitCode(), printed::toString);
        assertTrue(printed.out().contains("prediction") && printed.out().contains("probability"), printed::toString);

        CliRun eval = CliRun.of("eval", "--url", url, "--model", "m", "--query", "SELECT a, b, y FROM pts");
        assertEquals(0, eval.exitCode(), eval::toString);
        assertTrue(eval.out().contains("accuracy") && eval.out().contains("roc_auc"), eval::toString);

        CliRun models = CliRun.of("models", "--url", url);
        assertEquals(0, models.exitCode(), models::toString);
        assertTrue(models.out().contains("2-8-2"), models::toString);

        String h2 = "jdbc:h2:" + dir.resolve("copy").toAbsolutePath();
        CliRun copy = CliRun.of("models", "copy", "--from", url, "--to", h2, "--model", "m", "--version", "1");
        assertEquals(0, copy.exitCode(), copy::toString);
        assertTrue(copy.out().contains("Copied m version 1"), copy::toString);

        Map<Integer, Integer> onPostgres = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, prediction FROM pts_scored")) {
            while (rs.next()) onPostgres.put(rs.getInt(1), rs.getInt(2));
        }
        try (Connection c = DriverManager.getConnection(h2, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE PTS(ID INT, A DOUBLE PRECISION, B DOUBLE PRECISION)");
            try (var insert = c.prepareStatement("INSERT INTO PTS VALUES (?, ?, ?)");
                 Connection pg = database.connect(); Statement ps = pg.createStatement();
                 ResultSet rs = ps.executeQuery("SELECT id, a, b FROM pts")) {
                while (rs.next()) {
                    insert.setInt(1, rs.getInt(1));
                    insert.setDouble(2, rs.getDouble(2));
                    insert.setDouble(3, rs.getDouble(3));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (ResultSet rs = s.executeQuery("SELECT ID, PREDICT('m', ARRAY[A, B]) FROM PTS")) {
                int rows = 0;
                while (rs.next()) {
                    assertEquals(onPostgres.get(rs.getInt(1)), rs.getInt(2), "row " + rs.getInt(1));
                    rows++;
                }
                assertEquals(400, rows);
            }
        }
    }

    @Test
    void importWritesIdxAndCsvFilesIntoPostgres(@TempDir Path dir) throws Exception {
        String bundled = "src/main/resources/dev/sqlnn/data/";
        CliRun idx = CliRun.of("import", "--url", database.url(), "--table", "digits",
                "--images", bundled + "mnist10k-test-images-idx3-ubyte.gz", "--labels", bundled + "mnist10k-test-labels-idx1-ubyte.gz");
        assertEquals(0, idx.exitCode(), idx::toString);
        assertTrue(idx.out().startsWith("Imported 2,000 rows into digits"), idx::toString);
        Path csv = dir.resolve("iris.csv");
        java.nio.file.Files.writeString(csv, "sepal length,species\n5.1,setosa\n7.0,versicolor\n6.3,virginica\n");
        CliRun run = CliRun.of("import", "--url", database.url(), "--table", "iris", "--csv", csv.toString());
        assertEquals(0, run.exitCode(), run::toString);
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM digits WHERE octet_length(image) = 784)"
                     + " + (SELECT COUNT(*) FROM iris)")) {
            rs.next();
            assertEquals(2003, rs.getInt(1));
        }
    }

    @Test
    void commandsThatNeedTheSqlFunctionsSayHowToGetToH2() {
        CliRun report = CliRun.of("report", "--model", "m", "--query", "SELECT a, b, y FROM pts", "--url", database.url());
        assertEquals(1, report.exitCode(), report::toString);
        assertTrue(report.err().startsWith("sqlnn report: this command reads the model through sqlnn's H2 functions"),
                report::toString);
        assertTrue(report.err().contains("sqlnn models copy --from '" + database.url() + "' --to jdbc:h2:"), report::toString);
        // the demo makes its own database: there is no model to copy
        CliRun demo = CliRun.of("demo", "--url", database.url());
        assertEquals(1, demo.exitCode(), demo::toString);
        assertTrue(demo.err().startsWith("sqlnn demo: the demo trains through sqlnn's H2 functions"), demo::toString);
        assertTrue(demo.err().contains("From a client JVM") && !demo.err().contains("copy"), demo::toString);
        CliRun info = CliRun.of("info", "--url", database.url());
        assertEquals(0, info.exitCode(), info::toString);
        assertTrue(info.out().contains("PostgreSQL") && info.out().contains("kernels"), info::toString);
    }

    @Test
    void badInputIsTheMessageAndSqlStateAsOnH2() {
        CliRun train = CliRun.of("train", "--url", database.url(), "--model", "m", "--query", "SELECT a, b, y FROM pts",
                "--options", "{\"epochs\":-1}");
        assertEquals(1, train.exitCode(), train::toString);
        assertTrue(train.err().contains("ML_TRAIN: ") && train.err().contains("(SQLState 22023)"), train::toString);
        // checked before any query, with no bar first: ML_TRAIN's message as on H2, less the statement H2 adds
        assertEquals("Training m in this JVM on the rows of: SELECT a, b, y FROM pts" + System.lineSeparator(),
                train.out(), train::toString);
        assertEquals("sqlnn train: ML_TRAIN: option 'epochs' must be a positive integer (at most 100000), or null to"
                + " stop early by the held-out rows within a budget; got -1 (SQLState 22023)" + System.lineSeparator(), train.err(), train::toString);
        CliRun predict = CliRun.of("predict", "--url", database.url(), "--model", "nope", "--query", "SELECT a, b FROM pts",
                "--into", "out");
        assertEquals(1, predict.exitCode(), predict::toString);
        assertTrue(predict.err().contains("(SQLState 42704)"), predict::toString);
    }

    @Test
    void anUnreachableServerOrAWrongPasswordIsAClearErrorNotAStackTrace() {
        CliRun unreachable = CliRun.of("models", "--url", "jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=p&connectTimeout=2");
        assertEquals(1, unreachable.exitCode(), unreachable::toString);
        assertTrue(unreachable.err().contains("(SQLState 08001)"), unreachable::toString);
        assertTrue(!unreachable.err().contains("\tat "), "no stack trace: " + unreachable);

        String wrongPassword = database.url().replaceAll("password=[^&]*", "password=not-the-password");
        CliRun refused = CliRun.of("train", "--url", wrongPassword, "--model", "m", "--query", "SELECT a, b, y FROM pts");
        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("(SQLState 28P01)") && refused.err().contains("password"), refused::toString);
        assertTrue(!refused.err().contains("\tat "), "no stack trace: " + refused);
    }
}

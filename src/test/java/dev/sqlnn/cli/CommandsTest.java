package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands against an in-memory database: what they print, and how they fail on bad input. */
class CommandsTest {

    /** Three separable classes in the plane. */
    private static final String BLOBS = "CREATE TABLE PTS AS SELECT X AS ID, CAST(MOD(X, 3) AS INT) AS Y,"
            + " (MOD(X, 3) - 1) * 3 + RAND(7) AS A, RAND() + CASE WHEN MOD(X, 3) = 1 THEN 3 ELSE 0 END AS B"
            + " FROM SYSTEM_RANGE(1, 600)";
    private static final String BUNDLED = "src/main/resources/dev/sqlnn/data/";
    private static final String QUICK = "{\"hidden\":[8],\"epochs\":3,\"learning_rate\":0.01}";

    private String url;
    private Connection keep;

    @BeforeEach
    void database() throws SQLException {
        url = "jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        keep = DriverManager.getConnection(url);
        Sqlnn.install(keep);
        try (Statement s = keep.createStatement()) {
            s.execute(BLOBS);
        }
    }

    private void train() {
        CliRun run = CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts",
                "--options", "{\"hidden\":[16],\"epochs\":10,\"learning_rate\":0.01}");
        assertEquals(0, run.exitCode(), run::toString);
    }

    @AfterEach
    void dropIt() throws SQLException {
        try (Statement s = keep.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            keep.close();
        }
    }

    @Test
    void trainPrintsAnEpochLineEachAndTheEpochTableWhenDone() {
        CliRun run = CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts;",
                "--options", QUICK);
        assertEquals(0, run.exitCode(), run::toString);
        for (int epoch = 1; epoch <= 3; epoch++) {
            assertTrue(run.out().contains("epoch " + epoch + "/3  train loss "), run::toString);
        }
        assertFalse(run.out().contains("\r"), "no bar redrawn in place when the output is not a terminal");
        assertTrue(run.out().contains("EPOCH | TRAIN_LOSS | VALIDATION_LOSS | VALIDATION_METRIC"), run::toString);
        assertTrue(run.out().contains("(3 rows)"), run::toString);
        assertTrue(run.out().contains("Saved pts version 1 (2-8-3), deployed."), run::toString);
    }

    @Test
    void modelsListsEveryVersionWithItsKeyMetrics() {
        assertEquals(0, CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts",
                "--options", QUICK).exitCode());
        assertEquals(0, CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts",
                "--options", "{\"hidden\":[4],\"epochs\":1,\"deploy\":\"never\"}").exitCode());
        CliRun run = CliRun.of("models", "--url", url);
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("NAME | VERSION | DEPLOYED |"), run::toString);
        assertTrue(run.out().contains("ACCURACY"), run::toString);
        assertTrue(run.out().matches("(?s).*pts\\s+\\|\\s+1 \\| \\*\\s+\\| classification \\| 2-8-3 .*"), run::toString);
        assertTrue(run.out().matches("(?s).*pts\\s+\\|\\s+2 \\|\\s+\\| classification \\| 2-4-3 .*"), run::toString);
        assertTrue(run.out().contains("(2 rows)"), run::toString);
    }

    @Test
    void evalPrintsTheMetricsOfMlEvaluate() {
        train();
        CliRun run = CliRun.of("eval", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains(" METRIC ") && run.out().contains("| CLASS |") && run.out().contains("SCORE"), run::toString);
        assertTrue(run.out().matches("(?s).*\\n accuracy\\s+\\|\\s+\\| +[01]\\.\\d{4}\\n.*"), run::toString);
        assertTrue(run.out().matches("(?s).*\\n support\\s+\\| 2\\s+\\| +200\\n.*"), run::toString);
    }

    @Test
    void predictPrintsTheScoredRowsOrWritesThemIntoATable() throws SQLException {
        train();
        CliRun run = CliRun.of("predict", "--url", url, "--model", "pts", "--query", "SELECT id, a, b FROM pts WHERE id <= 7 ORDER BY id",
                "--limit", "5");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("| PREDICTION | PROBABILITY"), run::toString);
        assertTrue(run.out().contains("(5 rows shown; there are more: --limit 0 prints them all)"), run::toString);

        CliRun into = CliRun.of("predict", "--url", url, "--model", "pts", "--query", "SELECT id, a, b FROM pts",
                "--into", "scored");
        assertEquals(0, into.exitCode(), into::toString);
        assertTrue(into.out().startsWith("Wrote 600 scored rows into scored"), into::toString);
        try (Statement s = keep.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM scored WHERE prediction = MOD(id, 3)")) {
            rs.next();
            assertTrue(rs.getLong(1) > 500, "most predictions right: " + rs.getLong(1));
        }
        CliRun badTable = CliRun.of("predict", "--url", url, "--model", "pts", "--query", "SELECT a, b FROM pts",
                "--into", "x; DROP TABLE pts");
        assertEquals(1, badTable.exitCode(), badTable::toString);
        assertTrue(badTable.err().contains("a table name must be a plain identifier"), badTable::toString);
    }

    @Test
    void importReadsIdxFilesAndRefusesToOverwriteATableUnlessTold() {
        String images = BUNDLED + "mnist10k-test-images-idx3-ubyte.gz";
        String labels = BUNDLED + "mnist10k-test-labels-idx1-ubyte.gz";
        CliRun run = CliRun.of("import", "--url", url, "--table", "digits", "--images", images, "--labels", labels);
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Imported 2,000 rows into digits"), run::toString);

        CliRun again = CliRun.of("import", "--url", url, "--table", "digits", "--images", images, "--labels", labels);
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.err().contains("table digits already exists; pass --replace"), again::toString);
        assertEquals(0, CliRun.of("import", "--url", url, "--table", "digits", "--images", images, "--replace").exitCode());
    }

    @Test
    void importReadsACsvFileWithColumnsTypedByContent(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("iris.csv");
        Files.writeString(csv, "sepal length,species\n5.1,setosa\n7.0,versicolor\n6.3,virginica\n");
        CliRun run = CliRun.of("import", "--url", url, "--table", "iris", "--csv", csv.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Imported 3 rows into iris"), run::toString);
        CliRun missing = CliRun.of("import", "--url", url, "--table", "other", "--csv", dir.resolve("none.csv").toString());
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("none.csv"), missing::toString);
        assertFalse(missing.err().contains("\tat "), missing::toString);
    }

    @Test
    void aDatabaseTheCommandLineCreatesOpensAsSaAndOneMadeForTheEmptyUserStillOpens(@TempDir Path dir) throws SQLException {
        String fresh = "jdbc:h2:" + dir.resolve("fresh");
        CliRun created = CliRun.of("info", "--url", fresh);
        assertEquals(0, created.exitCode(), created.toString());
        try (Connection c = DriverManager.getConnection(fresh, "sa", "")) {
            assertTrue(c.isValid(1), "H2's default login, as the web console and JDBC tools try it");
        }
        SQLException emptyUser = assertThrows(SQLException.class, () -> DriverManager.getConnection(fresh).close());
        assertEquals("28000", emptyUser.getSQLState(), "the database is sa's, not the empty user's");
        // The url of this class's database was made by the empty user (as the command line made them before).
        CliRun old = CliRun.of("models", "--url", url);
        assertEquals(0, old.exitCode(), old.toString());
    }

    @Test
    void aBadOptionIsTheDatabasesMessageAndSqlStateWithoutAStackTrace() {
        CliRun run = CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM pts",
                "--options", "{\"epochs\":\"many\"}");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("sqlnn train: ML_TRAIN: "), run::toString);
        assertTrue(run.err().contains("(SQLState 22023)"), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "no stack trace: " + run.err());
    }

    @Test
    void badTrainingArgumentsAreMlTrainsOwnErrorWithNoProgressFirst() {
        for (String[] bad : new String[][] {{"pts", "{\"epochs\":0}", "option 'epochs' must be a positive integer"},
                {"bad name!", "{}", "a model name must be"}, {"pts", "{\"epochs\":", "options must be a JSON object"}}) {
            CliRun run = CliRun.of("train", "--url", url, "--model", bad[0], "--query", "SELECT a, b, y FROM pts",
                    "--options", bad[1]);
            assertEquals(1, run.exitCode(), run::toString);
            // the statement echoed, then nothing: no bar, no epoch line
            assertEquals("SELECT ML_TRAIN('" + bad[0] + "', 'SELECT a, b, y FROM pts', '" + bad[1] + "');"
                    + System.lineSeparator(), run.out(), run::toString);
            // the database's error for the statement, as ML_TRAIN gives it, not one of the command's own,
            // without the statement H2 echoes after it ("; SQL statement: SELECT ML_TRAIN(?, ?, ?) [...]")
            assertTrue(run.err().startsWith("sqlnn train: ML_TRAIN: " + bad[2]), run::toString);
            assertTrue(run.err().endsWith("(SQLState 22023)" + System.lineSeparator()), run::toString);
            assertFalse(run.err().contains("SQL statement") || run.err().contains("?, ?") || run.err().contains("-252]"),
                    run::toString);
            assertEquals(1, run.err().lines().count(), run::toString);
        }
    }

    /**
     * Every command on one database has {@code --url}, optional, with sqlnn's default database (demo:
     * its own); {@code load} needs a server's. A command that lost the option or its default fails here.
     */
    @Test
    void theCommandsOnADatabaseHaveUrlWithTheDefaultDatabase() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String command : List.of("install", "sql", "import", "train", "eval", "predict", "models", "report", "info")) {
            defaults.put(command, "jdbc:h2:./sqlnn");
        }
        defaults.put("demo", "jdbc:h2:./sqlnn-demo");
        Map<String, CommandLine> commands = new CommandLine(new Main()).getSubcommands();
        defaults.forEach((command, expected) -> {
            CliRun help = CliRun.of("help", command);
            assertEquals(0, help.exitCode(), help::toString);
            assertTrue(help.out().contains("[--url=<url>]"), () -> command + ": " + help.out());
            assertTrue(help.out().contains("      --url=<url>") && help.out().contains("JDBC URL (default: " + expected + ")"),
                    () -> command + ": " + help.out());
            OptionSpec option = commands.get(command).getCommandSpec().findOption("--url");
            assertEquals(expected, option.defaultValue(), command);
            assertFalse(option.required(), command);
        });
        OptionSpec load = commands.get("load").getCommandSpec().findOption("--url");
        assertTrue(load.required() && load.defaultValue() == null, "load --url: a server's, required");
    }

    /**
     * H2 fills a table function's result before it hands it over, so {@code predict --limit} must cut
     * the query, not the printout: the rows after the sixth have a feature array of the wrong width,
     * which ML_PREDICT refuses (22023) if it ever scores them.
     */
    @Test
    void predictWithALimitScoresOnlyTheRowsItPrints() {
        train();
        String query = "SELECT id, CASE WHEN id <= 6 THEN ARRAY[a, b] ELSE ARRAY[a] END AS f FROM pts";
        CliRun all = CliRun.of("predict", "--url", url, "--model", "pts", "--query", query, "--limit", "0");
        assertEquals(1, all.exitCode(), () -> "the wrong width is refused when scored: " + all);
        assertTrue(all.err().contains("(SQLState 22023)"), all::toString);
        CliRun five = CliRun.of("predict", "--url", url, "--model", "pts", "--query", query, "--limit", "5");
        assertEquals(0, five.exitCode(), five::toString);
        assertTrue(five.out().contains("(5 rows shown; there are more: --limit 0 prints them all)"), five::toString);
    }

    /** A user without rights on sqlnn's tables reads the database's refusal, not the SQL that jOOQ wrote for sqlnn. */
    @Test
    void aRefusalOnSqlnnsTablesNamesTheTableNotSqlnnsStatements() throws SQLException {
        try (Statement s = keep.createStatement()) {
            s.execute("CREATE USER bob PASSWORD 'x'");
            s.execute("GRANT SELECT ON SCHEMA SQLNN TO bob"); // may read, not write: ML_TRAIN cannot record its run
            s.execute("GRANT SELECT ON pts TO bob");
        }
        String asBob = url.replace(";DB_CLOSE_DELAY=-1", "") + ";USER=bob;PASSWORD=x"; // only an admin may SET it
        CliRun run = CliRun.of("train", "--url", asBob, "--model", "pts",
                "--query", "SELECT a, b, y FROM pts", "--options", QUICK);
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("sqlnn train: ML_TRAIN: Not enough rights for object \"SQLNN."), run::toString);
        assertTrue(run.err().contains("(SQLState 90096)") && run.err().contains("README.md, section Rights"), run::toString);
        String lower = run.err().toLowerCase(java.util.Locale.ROOT);
        // jOOQ renders sqlnn's statements with quoted names: insert into "SQLNN"."TRAINING_RUNS" ...
        assertFalse(lower.contains("sql statement") || lower.contains("insert into") || lower.contains("\"sqlnn\".\""),
                run::toString);
    }

    @Test
    void modelsCopyOfAnUnknownModelNamesTheSourceNotAnInternalFunction(@TempDir Path dir) {
        String to = "jdbc:h2:" + dir.resolve("to");
        CliRun run = CliRun.of("models", "copy", "--from", url, "--to", to, "--model", "nope");
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("sqlnn models copy: there is no deployed version of a model named nope in " + url
                + "; list them with: sqlnn models --url '" + url + "'" + System.lineSeparator(), run.err());
    }

    /**
     * Another process holds the H2 file open (as {@code sqlnn serve} does): the command fails with H2's
     * 90020 and says how to reach the database through the server instead.
     */
    @Test
    void aDatabaseThatAnotherProcessHoldsOpenPointsToTheServersUrl(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("held");
        assertEquals(0, CliRun.of("info", "--url", "jdbc:h2:" + file).exitCode());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.h2.tools.Shell",
                "-url", "jdbc:h2:" + file, "-user", "sa", "-password", "").redirectErrorStream(true).start();
        try {
            // The shell prompts once it holds the database open.
            java.io.InputStream shellOut = holder.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("sql>")) {
                int b = shellOut.read();
                assertTrue(b >= 0, () -> "H2's shell ended before it prompted: " + seen);
                seen.append((char) b);
            }
            CliRun run = CliRun.of("models", "--url", "jdbc:h2:" + file);
            assertEquals(1, run.exitCode(), run::toString);
            assertTrue(run.err().contains("(SQLState 90020)"), run::toString);
            assertTrue(run.err().contains("If it is sqlnn serve, reach the database through it")
                    && run.err().contains("--url 'jdbc:h2:tcp://localhost:9092/held;USER=sa;PASSWORD=...'"), run::toString);
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }

    @Test
    void aMissingTableIsTheDatabasesOwnError() {
        CliRun run = CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, y FROM nowhere");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("NOWHERE") && run.err().contains("(SQLState 42S02)"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    @Test
    void anUnknownModelIsAFailureThatSaysHowToListThem() {
        CliRun run = CliRun.of("models", "--url", url, "--model", "nope");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("there is no model named nope"), run::toString);
    }

    @Test
    void aBadCommandLineIsExitCodeTwoWithUsage() {
        CliRun run = CliRun.of("train", "--url", url, "--query", "SELECT 1");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Missing required option: '--model=<model>'"), run::toString);
    }
}

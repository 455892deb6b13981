package dev.sqlnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sqlnn sql} and {@code sqlnn install} on a fresh H2 file database. */
class SqlCommandTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:" + dir.resolve("db");
    }

    @Test
    void installInstallsExplicitlyAndSaysHowToCheck() throws SQLException {
        CliRun run = CliRun.of("install", "--url", url());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains(" is installed in " + url() + ": SELECT ML_INFO();"), run::toString);
        try (Connection c = DriverManager.getConnection(url(), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ML_INFO(), (SELECT COUNT(*) FROM SQLNN.MODELS)")) {
            rs.next();
            assertTrue(rs.getString(1).startsWith("sqlnn "), rs.getString(1));
        }
    }

    @Test
    void commandRunsEachStatementWithSqlnnInstalledAndPrintsEachQuery() {
        CliRun run = CliRun.of("sql", "--url", url(), "-c", "CREATE TABLE t AS SELECT X AS n FROM SYSTEM_RANGE(1, 3);"
                + " SELECT n * 10 AS tens FROM t ORDER BY n; SELECT ML_INFO() AS info");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s) TENS\\n-+\\n +10\\n +20\\n +30\\n\\(3 rows\\)\\n\\n +INFO\\n-+\\n sqlnn .*\\(1 row\\)\\n\\n"),
                run::toString);
    }

    @Test
    void aScriptStopsAtItsFirstErrorWithTheDatabasesMessageAndWhichStatement() throws Exception {
        Path script = dir.resolve("script.sql");
        Files.writeString(script, """
                -- a comment; with a semicolon
                CREATE TABLE pts AS SELECT X AS id, CAST(MOD(X, 2) AS INT) AS y, MOD(X, 2) * 4 - 2 + RAND(3) AS a
                  FROM SYSTEM_RANGE(1, 200);
                SELECT ML_TRAIN('m', 'SELECT a, y FROM pts', '{"epochs":0}');
                CREATE TABLE never (id INT);
                """);
        CliRun run = CliRun.of("sql", "--url", url(), "-f", script.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("sqlnn sql: ML_TRAIN: option 'epochs' must be a positive integer (at most 100000), or null to stop"
                + " early by the held-out rows within a budget; got 0 (SQLState 22023)\n  in statement 2 of " + script + " (none after it ran): SELECT ML_TRAIN('m',"
                + " 'SELECT a, y FROM pts', '{\"epochs\":0}')\n", run.err().replace(System.lineSeparator(), "\n"));
        try (Connection c = DriverManager.getConnection(url(), "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME IN ('PTS', 'NEVER')")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "the statement before the error ran, the one after did not");
        }
        CliRun missing = CliRun.of("sql", "--url", url(), "-f", dir.resolve("none.sql").toString());
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.err().startsWith("sqlnn sql: there is no file "), missing::toString);
        assertEquals(2, CliRun.of("sql", "-c", "SELECT 1", "-f", script.toString()).exitCode(), "-c or -f, not both");
    }

    /** Without -c or -f: H2's shell, reading statements from standard input. */
    @Test
    void withoutAScriptItIsAnSqlPrompt() {
        InputStream stdin = System.in;
        CliRun run;
        try {
            System.setIn(new ByteArrayInputStream("SELECT ML_INFO() AS info;\nexit\n".getBytes(StandardCharsets.UTF_8)));
            run = CliRun.of("sql", "--url", url());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("sql> ") && run.out().contains("INFO") && run.out().contains("sqlnn "), run::toString);
        assertFalse(run.out().contains("Error"), run::toString);
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short run of {@code sqlnn load} against an H2 TCP server, to keep the benchmark working; the
 * real measurement runs for seconds per client count against {@code sqlnn serve} (see the README).
 */
class LoadCommandTest {

    @Test
    void loadReportsThroughputLatencyAndNoErrors(@TempDir Path dir) throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
        try {
            String url = "jdbc:h2:tcp://localhost:" + server.getPort() + "/load";
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                Sqlnn.install(c);
                s.execute("CREATE TABLE t AS SELECT X AS id, CAST(X % 2 AS DOUBLE) AS a, CAST(X % 3 AS DOUBLE) AS b,"
                        + " CAST(X % 2 AS INT) AS y FROM SYSTEM_RANGE(1, 200)");
                s.execute("SELECT ML_TRAIN('m', 'SELECT a, b, y FROM t', '{\"hidden\":[8],\"epochs\":2}')");
            }
            CliRun run = CliRun.of("load", "--url", url, "--query", "SELECT PREDICT('m', ARRAY[a, b]) FROM t WHERE id = ?",
                    "--rows", "200", "--clients", "1,2", "--seconds", "0.5");
            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(run.out().matches("(?s).*\\n\\s+1\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+0\\n.*"), run::toString);
            assertTrue(run.out().matches("(?s).*\\n\\s+2\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+0\\n.*"), run::toString);

            CliRun broken = CliRun.of("load", "--url", url, "--query", "SELECT PREDICT('nope', ARRAY[a, b]) FROM t WHERE id = ?",
                    "--rows", "200", "--clients", "1", "--seconds", "0.2");
            assertEquals(1, broken.exitCode(), broken::toString);
            assertTrue(broken.out().contains("first error: PREDICT: model nope does not exist"), broken::toString);
        } finally {
            server.stop();
        }
    }
}

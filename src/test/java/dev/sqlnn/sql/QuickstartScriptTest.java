package dev.sqlnn.sql;

import dev.sqlnn.Sqlnn;
import org.h2.tools.RunScript;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code sql/quickstart.sql}, the script the README points analysts at, statement by
 * statement on a fresh database, as a user pasting it into the H2 console would, and checks what
 * it leaves behind. Surefire runs in the project directory, which the script's paths are relative to.
 */
class QuickstartScriptTest {

    @Test
    void quickstartRunsEndToEnd() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:quickstart-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
             Reader script = Files.newBufferedReader(Path.of("sql", "quickstart.sql"))) {
            Sqlnn.install(c);
            RunScript.execute(c, script);
            try (Statement s = c.createStatement()) {
                assertEquals(8000, count(s, "SELECT COUNT(*) FROM DIGITS"));
                assertEquals(2000, count(s, "SELECT COUNT(*) FROM DIGITS_TEST"));
                // version 2 was dropped; version 1 is deployed and scores the test digits well
                assertEquals(1, count(s, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'digits_mlp'"));
                assertEquals(1, count(s, "SELECT VERSION FROM SQLNN.MODELS WHERE NAME = 'digits_mlp' AND DEPLOYED"));
                try (ResultSet rs = s.executeQuery(
                        "SELECT AVG(CASE WHEN PREDICT('digits_mlp', image) = label THEN 1.0 ELSE 0 END) FROM digits_test")) {
                    rs.next();
                    assertTrue(rs.getDouble(1) > 0.93, "test accuracy " + rs.getDouble(1));
                }
            }
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

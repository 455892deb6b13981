package dev.sqlnn.store;

import dev.sqlnn.PostgresTestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jOOQ warns once per JVM that PostgreSQL 15 is older than its open-source dialect targets ("Version
 * mismatch"); sqlnn's statements are tested there, so sqlnn keeps that warning out of an application's
 * log. A JVM of its own each time (the warning comes once per JVM), with SLF4J's simple backend on
 * standard error; the control run asks for the warning and must see it, so the probe does reach it.
 */
class JooqVersionWarningTest {

    @Test
    void sqlnnOnPostgresLogsNoVersionMismatch() throws Exception {
        try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
            String quiet = probe(database.url(), List.of());
            assertTrue(quiet.contains("probe done"), quiet);
            assertFalse(quiet.contains("Version mismatch"), quiet);
            String asked = probe(database.url(), List.of("-Dorg.jooq.log.org.jooq.impl.DefaultExecuteContext.logVersionSupport=WARN"));
            assertTrue(asked.contains("probe done"), asked);
            assertTrue(asked.contains("Version mismatch"), () -> "the application may still ask for it: " + asked);
        }
    }

    private static String probe(String url, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), url));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    /** Installs sqlnn's tables and runs one of sqlnn's jOOQ statements, as any use of sqlnn on PostgreSQL does. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            try (Connection c = DriverManager.getConnection(args[0])) {
                Installer.install(c);
                new ModelStore(c).nextVersion("probe");
            }
            System.out.println("probe done");
        }
    }
}

package dev.sqlnn;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fresh PostgreSQL database for one test, made on the server that {@code SQLNN_TEST_POSTGRES_URL}
 * names (a JDBC URL whose role may create databases, e.g.
 * {@code jdbc:postgresql://localhost/sqlnn_test?user=sqlnn_ci&password=sqlnn_ci}; {@code .ci/run} starts the
 * server and sets it). Without the variable the test is skipped with a message, except under CI
 * ({@code CI} set to anything), where it fails. Close it to drop the database.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    public static final String URL_VARIABLE = "SQLNN_TEST_POSTGRES_URL";
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?");

    private final String adminUrl;
    private final String name;
    private final String url;

    private PostgresTestDatabase(String adminUrl, String name, String url) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    /** Creates an empty database, or skips (fails under CI) when no server is configured. */
    public static PostgresTestDatabase create() throws SQLException {
        String admin = System.getenv(URL_VARIABLE);
        if (admin == null || admin.isBlank()) {
            String message = URL_VARIABLE + " is not set: PostgreSQL tests need a server (see the README, "
                    + "'Testing on PostgreSQL')";
            if (Ci.active()) fail(message + "; under CI .ci/run must start one");
            assumeTrue(false, message + "; skipping");
        }
        Matcher m = URL.matcher(admin);
        if (!m.matches()) fail(URL_VARIABLE + " must look like jdbc:postgresql://host[:port]/database[?params]; got " + admin);
        String name = "sqlnn_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new PostgresTestDatabase(admin, name, m.group(1) + name + (m.group(3) == null ? "" : m.group(3)));
    }

    /** The JDBC URL of this test's database, user and password included. */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /**
     * Drops the database. A plain {@code DROP DATABASE} first: it stops an autovacuum worker that is
     * busy in the database and waits up to 5 s for closed connections' backends to end, where
     * {@code WITH (FORCE)} refuses to stop the worker for a role that is not a superuser (seen in CI:
     * "must be a member of the role whose process is being terminated"). {@code FORCE} only when a
     * connection is still open (55006).
     */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            try {
                s.execute("DROP DATABASE IF EXISTS " + name);
            } catch (SQLException inUse) {
                if (!"55006".equals(inUse.getSQLState())) throw inUse;
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}

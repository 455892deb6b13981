package dev.sqlnn.pg;

import dev.sqlnn.Sqlnn;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fresh PostgreSQL database with sqlnn loaded into the server (PL/Java), made as the superuser that
 * {@code SQLNN_TEST_PLJAVA_URL} names (e.g. {@code jdbc:postgresql://localhost/postgres?user=sqlnn_admin&password=...};
 * {@code .ci/run} installs PL/Java, creates the role and sets it). Without the variable the tests are
 * skipped with a message, except under CI, where they fail. Close it to drop the database.
 */
final class PlJavaDatabase implements AutoCloseable {

    static final String URL_VARIABLE = "SQLNN_TEST_PLJAVA_URL";

    private final String adminUrl;
    private final String name;
    private final String url;

    private PlJavaDatabase(String adminUrl, String name, String url) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    /** Creates the database and loads sqlnn into it, or skips (fails under CI) without a server. */
    static PlJavaDatabase create() throws SQLException {
        String admin = System.getenv(URL_VARIABLE);
        if (admin == null || admin.isBlank()) {
            String message = URL_VARIABLE + " is not set: the in-server tests need PostgreSQL with PL/Java and a"
                    + " superuser (see the README, 'Testing on PostgreSQL')";
            if (dev.sqlnn.Ci.active()) fail(message + "; under CI .ci/run must set it");
            assumeTrue(false, message + "; skipping");
        }
        String name = "sqlnn_pl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = admin.replaceFirst("(jdbc:postgresql://[^/?]*/)[^?]*", "$1" + name);
        PlJavaDatabase db = new PlJavaDatabase(admin, name, url);
        Sqlnn.installInServer(db.dataSource());
        return db;
    }

    String url() {
        return url;
    }

    PGSimpleDataSource dataSource() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        return source;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}

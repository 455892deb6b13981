package dev.sqlnn;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class SqlnnInstallTest {

    /** A fresh in-memory database that lives until the JVM ends, so the data source can reconnect. */
    private static JdbcDataSource freshDatabase(String settings) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:install-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + settings);
        return ds;
    }

    @Test
    void createsTheTablesWithTheirColumns() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        Sqlnn.install(ds);
        try (Connection c = ds.getConnection()) {
            assertEquals(List.of("ID", "NAME", "VERSION", "TASK", "CREATED_AT", "OPTIONS", "INPUT_WIDTH", "LAYERS",
                    "CLASSES", "METRICS", "TRAIN_ROWS", "TRAIN_SECONDS", "DEPLOYED", "WEIGHTS"),
                    columns(c, "SQLNN", "MODELS"));
            assertEquals(List.of("NAME", "VERSION", "EPOCH", "TRAIN_LOSS", "VALIDATION_LOSS", "VALIDATION_METRIC",
                    "LEARNING_RATE", "SECONDS", "ROWS_PER_SECOND"), columns(c, "SQLNN", "TRAINING_LOG"));
            assertEquals(List.of("ID", "NAME", "VERSION", "DEPLOYED_AT"), columns(c, "SQLNN", "DEPLOYMENTS"));
            assertEquals(List.of("NAME", "VERSION", "STATUS", "STARTED_AT", "ENDED_AT"),
                    columns(c, "SQLNN", "TRAINING_RUNS"));
            assertEquals(List.of("NAME", "VERSION", "TRIAL", "OPTIONS", "SCORE", "SECONDS", "FOLD_SCORES", "BEST"),
                    columns(c, "SQLNN", "TRIALS"));
            assertEquals(List.of("installed_rank", "version", "description", "type", "script", "checksum",
                    "installed_by", "installed_on", "execution_time", "success"),
                    columns(c, "SQLNN", "SQLNN_SCHEMA_HISTORY"));
        }
    }

    @Test
    void aSecondInstallAppliesNothingAndKeepsTheRows() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        Sqlnn.install(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO SQLNN.DEPLOYMENTS(NAME, VERSION) VALUES ('m', 1)");
            long migrations = count(c, "SELECT COUNT(*) FROM SQLNN.SQLNN_SCHEMA_HISTORY");

            Sqlnn.install(ds);

            assertEquals(migrations, count(c, "SELECT COUNT(*) FROM SQLNN.SQLNN_SCHEMA_HISTORY"));
            assertEquals(1, count(c, "SELECT COUNT(*) FROM SQLNN.DEPLOYMENTS"));
            assertEquals(1, count(c, "SELECT COUNT(*) FROM SQLNN.SQLNN_SCHEMA_HISTORY WHERE \"version\" = '1'"));
        }
    }

    @Test
    void anUpgradeRecordsTheVersionsSavedBeforeAsSavedRuns() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        // A database installed before live training: the first two migrations only.
        Flyway.configure(Sqlnn.class.getClassLoader()).dataSource(ds)
                .locations("classpath:dev/sqlnn/migrations/h2").schemas("SQLNN").table("SQLNN_SCHEMA_HISTORY")
                .target("2").load().migrate();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO SQLNN.MODELS (NAME, VERSION, TASK, INPUT_WIDTH, LAYERS, TRAIN_ROWS, TRAIN_SECONDS,"
                    + " WEIGHTS) VALUES ('m', 1, 'classification', 2, '2-3', 10, 0.5, X'00'),"
                    + " ('m', 3, 'classification', 2, '2-3', 10, 0.5, X'00')");

            Sqlnn.install(ds);

            assertEquals(2, count(c, "SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS WHERE NAME = 'm' AND STATUS = 'saved'"
                    + " AND VERSION IN (1, 3) AND ENDED_AT IS NOT NULL"));
        }
    }

    @Test
    void leavesTheApplicationsTablesInPublicAlone() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE PUBLIC.DIGITS(ID INT PRIMARY KEY, IMAGE VARBINARY(784), LABEL INT)");
            s.execute("INSERT INTO PUBLIC.DIGITS VALUES (1, X'00ff', 7), (2, X'0102', 3)");

            Sqlnn.install(ds);
            Sqlnn.install(ds);

            assertEquals(2, count(c, "SELECT COUNT(*) FROM PUBLIC.DIGITS"));
            assertEquals(10, count(c, "SELECT SUM(LABEL) FROM PUBLIC.DIGITS"));
            assertEquals(1, count(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"));
        }
    }

    @Test
    void leavesTheCallersConnectionOpenAsItWas() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            Sqlnn.install(c);
            Sqlnn.install(c);

            assertFalse(c.isClosed());
            assertFalse(c.getAutoCommit());
            assertEquals("PUBLIC", c.getSchema());
            assertEquals(0, count(c, "SELECT COUNT(*) FROM SQLNN.MODELS"));
        }
    }

    @Test
    void foldsNamesToLowerCaseWhereTheDatabaseDoes() throws SQLException {
        JdbcDataSource ds = freshDatabase(";DATABASE_TO_LOWER=TRUE");
        Sqlnn.install(ds);
        Sqlnn.install(ds);
        try (Connection c = ds.getConnection()) {
            assertTrue(columns(c, "sqlnn", "models").contains("weights"));
            assertTrue(columns(c, "sqlnn", "sqlnn_schema_history").contains("version"));
            assertFalse(columns(c, "SQLNN", "MODELS").contains("WEIGHTS"));
        }
    }

    @Test
    void refusesASchemaSqlnnItDidNotCreate() throws SQLException {
        JdbcDataSource ds = freshDatabase("");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA SQLNN");
            s.execute("CREATE TABLE SQLNN.SOMETHING_ELSE(X INT)");
        }
        // Flyway finds a non-empty schema without its history, and baselineOnMigrate is off.
        assertThrows(FlywayException.class, () -> Sqlnn.install(ds));
    }

    @Test
    void namesTheDatabaseItDoesNotSupport() {
        DatabaseMetaData meta = proxy(DatabaseMetaData.class, (p, m, args) ->
                m.getName().equals("getDatabaseProductName") ? "Apache Derby" : null);
        Connection connection = proxy(Connection.class, (p, m, args) ->
                m.getName().equals("getMetaData") ? meta : null);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Sqlnn.install(connection));
        assertTrue(e.getMessage().contains("Apache Derby"), e.getMessage());
    }

    /**
     * The Java API's functions on a database that is neither H2 nor PostgreSQL: 0A000 (not supported),
     * after the function's name, naming the database; nothing is committed on it.
     */
    @Test
    void theFunctionsRefuseADatabaseTheyDoNotSupportWith0A000() {
        DatabaseMetaData meta = proxy(DatabaseMetaData.class, (p, m, args) ->
                m.getName().equals("getDatabaseProductName") ? "Apache Derby" : nothing(m.getReturnType()));
        List<String> calls = new ArrayList<>();
        Connection connection = proxy(Connection.class, (p, m, args) -> {
            calls.add(m.getName());
            return switch (m.getName()) {
                case "getMetaData" -> meta;
                case "getAutoCommit" -> true;
                default -> nothing(m.getReturnType());
            };
        });
        record Call(String function, org.junit.jupiter.api.function.Executable call) {
        }
        for (Call call : List.of(new Call("ML_DEPLOY", () -> Sqlnn.deploy(connection, "m", null)),
                new Call("ML_DROP", () -> Sqlnn.drop(connection, "m", 1L)))) {
            calls.clear();
            SQLException e = assertThrows(SQLException.class, call.call(), call.function());
            assertEquals("0A000", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().startsWith(call.function() + ": sqlnn runs on H2 and PostgreSQL"), e.getMessage());
            assertTrue(e.getMessage().contains("'Apache Derby'"), e.getMessage());
            assertFalse(calls.contains("commit"), () -> call.function() + " committed: " + calls);
        }
    }

    /** The version sqlnn reports is the project's, as pom.xml gives it. */
    @Test
    void hasTheProjectsVersion() throws java.io.IOException {
        assertEquals(projectVersion(), Sqlnn.version());
    }

    /** The project's version in pom.xml: the first {@code <version>} after {@code <artifactId>sqlnn</artifactId>}. */
    public static String projectVersion() throws java.io.IOException {
        String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
        var version = java.util.regex.Pattern.compile("<artifactId>sqlnn</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(version.find(), "pom.xml names no version after <artifactId>sqlnn</artifactId>");
        return version.group(1).trim();
    }

    /** What a method of a mock that knows nothing returns: false, 0 or null. */
    private static Object nothing(Class<?> type) {
        if (type == boolean.class) return false;
        if (type == int.class) return 0;
        if (type == long.class) return 0L;
        return null;
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema, table, null)) {
            while (rs.next()) names.add(rs.getString("COLUMN_NAME"));
        }
        return names;
    }

    private static long count(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package dev.sqlnn;

import dev.sqlnn.client.ClientFunctions;
import dev.sqlnn.model.About;
import dev.sqlnn.model.GlobalExplanation;
import dev.sqlnn.model.ModelEvaluation;
import dev.sqlnn.pg.PgInstaller;
import dev.sqlnn.store.Installer;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Entry point for applications: installs sqlnn into their database, and trains, scores and copies
 * models from the client JVM, over JDBC, where the database runs no Java (PostgreSQL; they work on H2
 * too). On H2 the SQL functions ({@code ML_TRAIN}, {@code ML_PREDICT}...) do the same inside the database.
 */
public final class Sqlnn {

    private Sqlnn() {
    }

    public static String version() {
        return About.VERSION;
    }

    /**
     * Creates or upgrades sqlnn's schema, tables and functions in the database, by the Flyway
     * migrations inside sqlnn's jar. Idempotent: on an installed database it changes nothing. Touches
     * only schema {@code SQLNN}, so it is safe on a database full of the application's own tables;
     * a schema {@code SQLNN} that exists without sqlnn's history is an error, not something to adopt.
     *
     * @throws UnsupportedOperationException for a database other than H2 and PostgreSQL
     * @throws FlywayException when the database cannot be reached or a migration fails
     */
    public static void install(DataSource dataSource) {
        Installer.install(dataSource);
        try (Connection c = dataSource.getConnection()) {
            inServerIfPossible(c);
        } catch (SQLException e) {
            once("sqlnn: " + e.getMessage());
        }
    }

    /**
     * On PostgreSQL with PL/Java, loads sqlnn into the server as well; without PL/Java, or as a role
     * that may not (not a superuser), says so once: the tables are in, and sqlnn works from this JVM.
     */
    private static void inServerIfPossible(Connection c) {
        try {
            if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) return;
            if (PgInstaller.install(c) == PgInstaller.Outcome.NO_PLJAVA) {
                once("sqlnn: PostgreSQL has no PL/Java here, so sqlnn's functions cannot run inside it;"
                        + " sqlnn trains and scores from this JVM (Sqlnn.train, predictInto, the command line)");
            }
        } catch (SQLException e) {
            once("sqlnn: " + e.getMessage());
        }
    }

    /**
     * Like {@link #install(DataSource)}, and on PostgreSQL also loads sqlnn into the server so that its
     * functions run there (PL/Java): the settings, the extension, the jars, the functions in schema
     * {@code sqlnn}. Reports what it did.
     *
     * @throws SQLException 42501 when that is to be done and the role is not a superuser; 0A000 when the
     *                      server has no PL/Java
     */
    public static PgInstaller.Outcome installInServer(DataSource dataSource) throws SQLException {
        return installInServer(dataSource, null);
    }

    /** As {@link #installInServer(DataSource)}, letting only role {@code grantee} (null: PUBLIC) call the functions. */
    public static PgInstaller.Outcome installInServer(DataSource dataSource, String grantee) throws SQLException {
        Installer.install(dataSource);
        try (Connection c = dataSource.getConnection()) {
            PgInstaller.Outcome outcome = PgInstaller.install(c, grantee);
            if (outcome == PgInstaller.Outcome.NO_PLJAVA) {
                throw new SQLException("sqlnn install: this PostgreSQL server has no PL/Java (pg_available_extensions"
                        + " lists no pljava), so sqlnn's functions cannot run inside it; install PL/Java"
                        + " (bin/install-pljava), or use sqlnn from the client JVM", "0A000");
            }
            return outcome;
        }
    }

    private static final java.util.Set<String> SAID = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Logs a message once per JVM: an application installs on every start, and hears it the first time. */
    private static void once(String message) {
        if (SAID.add(message)) LoggerFactory.getLogger(Sqlnn.class).warn(message);
    }

    /**
     * Like {@link #install(DataSource)}, on a connection the caller keeps: it is not closed. The
     * migrations commit, so call this outside a transaction of your own.
     */
    public static void install(Connection connection) {
        Installer.install(connection);
        inServerIfPossible(connection);
    }

    /**
     * Trains a new version of {@code model} on the rows of {@code query} in this JVM, saves it in the
     * database's {@code sqlnn.models} and returns its version: {@code ML_TRAIN} for a database without
     * in-server Java. The rows are streamed through a cursor. The epochs' {@code training_log} rows are
     * written with the model, at the end; {@link #train(DataSource, String, String, String)} commits
     * each as its epoch ends. On a connection in autocommit mode the model is committed at the end
     * (nothing is left after a failure); inside the caller's transaction it is left to the caller.
     *
     * @throws SQLException with SQLState 22023 for a bad name, option or data, 42704 for an unknown
     *                      model; the query's own errors as the database reports them
     */
    public static long train(Connection connection, String model, String query, String options) throws SQLException {
        return ClientFunctions.train(connection, model, query, options, null);
    }

    /**
     * Like {@link #train(Connection, String, String, String)}, on connections of its own: each epoch's
     * row of {@code sqlnn.training_log} is committed as the epoch ends, through a second connection,
     * so that any client can follow the training while it runs.
     */
    public static long train(DataSource dataSource, String model, String query, String options) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Connection side = dataSource.getConnection()) {
            side.setAutoCommit(true);
            return ClientFunctions.train(connection, model, query, options, side);
        }
    }

    /**
     * Scores the rows of {@code query} with the deployed version of {@code model} and writes them into
     * {@code table} (created with the query's columns, {@code prediction} and, for a classifier,
     * {@code probability}, or appended to); returns the rows written.
     */
    public static long predictInto(Connection connection, String model, String query, String table)
            throws SQLException {
        return ClientFunctions.predictInto(connection, model, query, table);
    }

    /** The deployed version of {@code model} measured on the rows of {@code query}, as ML_EVALUATE measures it. */
    public static ModelEvaluation evaluate(Connection connection, String model, String query) throws SQLException {
        return ClientFunctions.evaluate(connection, model, query);
    }

    /**
     * Per feature, the mean absolute and mean attribution of the deployed version of {@code model} over
     * the rows of {@code query}, largest first, as {@code ML_GLOBAL_EXPLAIN} gives them.
     */
    public static List<GlobalExplanation.Feature> globalExplain(Connection connection, String model, String query)
            throws SQLException {
        return ClientFunctions.globalExplain(connection, model, query);
    }

    /**
     * Copies a version of {@code model} (null: the deployed one) between two databases where sqlnn is
     * installed, H2 or PostgreSQL either way: same version number, options, metrics and training log;
     * deployed in {@code to} when deployed in {@code from}. Returns the version copied.
     */
    public static long copyModel(Connection from, Connection to, String model, Long version) throws SQLException {
        return ClientFunctions.copyModel(from, to, model, version);
    }

    /**
     * Deploys a version of {@code model} ({@code ML_DEPLOY}): null deploys the best by its stored
     * validation score. Returns the deployed version.
     */
    public static long deploy(Connection connection, String model, Long version) throws SQLException {
        return ClientFunctions.deploy(connection, model, version);
    }

    /**
     * Deletes every version of {@code model}, or one, with its training history ({@code ML_DROP});
     * returns how many versions went.
     */
    public static int drop(Connection connection, String model, Long version) throws SQLException {
        return ClientFunctions.drop(connection, model, version);
    }
}

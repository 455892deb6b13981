package dev.sqlnn.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** Installs or upgrades sqlnn's schema in a database: the Flyway migrations packaged in sqlnn's jar. */
public final class Installer {

    /** Flyway's history of sqlnn's migrations; in schema SQLNN, away from the application's own. */
    private static final String HISTORY_TABLE = "SQLNN_SCHEMA_HISTORY";

    private Installer() {
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
        DatabaseKind kind;
        boolean lowerCase;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            kind = DatabaseKind.fromProductName(meta.getDatabaseProductName());
            lowerCase = meta.storesLowerCaseIdentifiers();
        } catch (SQLException e) {
            throw new FlywayException("sqlnn install: cannot read the database's metadata: " + e.getMessage(), e);
        }
        // Flyway quotes the names it is given while the migrations leave theirs unquoted: fold them as the
        // database folds unquoted names, or Flyway's schema would not be the migrations' one.
        String schema = lowerCase ? ModelStore.SCHEMA.toLowerCase(Locale.ROOT) : ModelStore.SCHEMA;
        String historyTable = lowerCase ? HISTORY_TABLE.toLowerCase(Locale.ROOT) : HISTORY_TABLE;
        // Sqlnn's own class loader: the migrations live inside sqlnn's jar, which an application
        // server or the database engine may have loaded apart from the thread's context loader.
        Flyway.configure(Installer.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:dev/sqlnn/migrations/" + kind.migrationFolder)
                // A jar without this database's migrations must fail, not report an empty install as done.
                .failOnMissingLocations(true)
                .schemas(schema)
                .table(historyTable)
                .baselineOnMigrate(false)
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    /**
     * Like {@link #install(DataSource)}, on a connection the caller keeps: it is not closed. The
     * migrations commit, so call this outside a transaction of your own.
     */
    public static void install(Connection connection) {
        install(new BorrowedConnectionDataSource(connection));
    }
}

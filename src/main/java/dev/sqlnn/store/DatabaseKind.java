package dev.sqlnn.store;

import org.jooq.SQLDialect;

import java.util.Locale;

/** The databases sqlnn can keep its models in, told apart by the JDBC driver's product name. */
public enum DatabaseKind {
    H2("h2", SQLDialect.H2),
    POSTGRESQL("postgresql", SQLDialect.POSTGRES);

    /** Folder under {@code migrations/} that holds this database's Flyway scripts. */
    public final String migrationFolder;
    /** How jOOQ writes SQL for this database. */
    public final SQLDialect dialect;

    DatabaseKind(String migrationFolder, SQLDialect dialect) {
        this.migrationFolder = migrationFolder;
        this.dialect = dialect;
    }

    /**
     * @param productName {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
     * @throws UnsupportedOperationException for any database other than H2 and PostgreSQL
     */
    public static DatabaseKind fromProductName(String productName) {
        String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (name.equals("h2")) return H2;
        if (name.equals("postgresql")) return POSTGRESQL;
        throw new UnsupportedOperationException("sqlnn runs on H2 and PostgreSQL; this database is '"
                + productName + "'");
    }
}

package dev.sqlnn.data;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The table an import writes: its name goes into the SQL text, so it must be a plain identifier
 * (optionally schema-qualified), which the database folds like any unquoted name; nothing else can
 * reach the SQL. An existing table is replaced only when the caller says so.
 */
final class ImportTarget {

    private ImportTarget() {
    }

    /** {@code table}, if it is a plain identifier such as {@code DIGITS} or {@code MYSCHEMA.DIGITS}. */
    static String checkName(String table) {
        if (!TableName.isPlain(table)) {
            throw new DataException("table name must be a plain identifier such as DIGITS or MYSCHEMA.DIGITS"
                    + " (letters, digits and _, not starting with a digit); got "
                    + (table == null ? "NULL" : "'" + table + "'"));
        }
        return table;
    }

    /**
     * Refuses an existing table unless {@code replace}; call it before reading the files, so that a
     * refusal costs nothing. Asks the JDBC metadata, with the name folded the way the database folds
     * unquoted names, rather than trying a query: a failed statement would abort a PostgreSQL
     * transaction.
     */
    static void checkAbsent(Connection connection, String table, boolean replace) throws SQLException {
        if (replace) return;
        DatabaseMetaData meta = connection.getMetaData();
        int dot = table.indexOf('.');
        String schema = dot < 0 ? connection.getSchema() : fold(meta, table.substring(0, dot));
        String name = fold(meta, table.substring(dot + 1));
        try (ResultSet tables = meta.getTables(null, escape(meta, schema), escape(meta, name), null)) {
            if (tables.next()) throw new TableExistsException(table);
        }
    }

    private static String fold(DatabaseMetaData meta, String identifier) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) return identifier.toUpperCase(Locale.ROOT);
        if (meta.storesLowerCaseIdentifiers()) return identifier.toLowerCase(Locale.ROOT);
        return identifier;
    }

    /** {@code _} is a wildcard in metadata patterns, and common in table names. */
    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        if (name == null) return null;
        String escape = meta.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) return name;
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** Drops {@code table} if it exists (only when replacing) and runs {@code create}. */
    static void create(Connection connection, String table, boolean replace, String create) throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (replace) s.execute("DROP TABLE IF EXISTS " + table);
            s.execute(create);
        }
    }

    /** After a failure half-way through the rows: drops the table this import created, keeping the first error. */
    static void dropAfterFailure(Connection connection, String table, Exception failure) {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}

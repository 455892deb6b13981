package dev.sqlnn.data;

/**
 * An import was asked to create a table that already exists, without permission to replace it. The
 * SQL layer reports it with SQLState {@code 42S01} (base table already exists); the command line can
 * suggest its own replace flag.
 */
public class TableExistsException extends DataException {

    private final String table;

    public TableExistsException(String table) {
        super("table " + table + " already exists; pass replace = true to drop and re-create it, or choose another name");
        this.table = table;
    }

    /** The table name as the caller gave it. */
    public String table() {
        return table;
    }
}

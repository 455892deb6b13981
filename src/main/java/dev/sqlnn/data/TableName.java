package dev.sqlnn.data;

import java.util.regex.Pattern;

/**
 * The one check of a table name that sqlnn writes into SQL itself (an import's target, the table
 * {@code predict --into} fills): a plain identifier, optionally schema-qualified, so that it needs
 * no quoting and cannot carry SQL. At most 63 characters a part, PostgreSQL's limit, which H2 takes too.
 */
public final class TableName {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private TableName() {
    }

    /** Whether {@code name} is a plain identifier such as {@code DIGITS} or {@code MYSCHEMA.DIGITS}. */
    public static boolean isPlain(String name) {
        return name != null && PLAIN.matcher(name).matches();
    }
}

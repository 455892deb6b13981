package dev.sqlnn.data;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The text a category value is known by, the same whichever driver or front door reads it: a
 * boolean is {@code true} or {@code false} (PostgreSQL's driver would say {@code t}); a number is
 * its shortest decimal ({@code 3}, not {@code 3.0} or {@code 3.00}); a CHAR loses the spaces that pad
 * it; other text is as it is.
 */
public final class CategoryText {

    private CategoryText() {
    }

    /** Column {@code column} (1-based, of JDBC type {@code type}) of the current row; null for SQL NULL. */
    public static String read(ResultSet rs, int column, int type) throws SQLException {
        if (type == Types.BOOLEAN || type == Types.BIT) {
            boolean value = rs.getBoolean(column);
            return rs.wasNull() ? null : Boolean.toString(value);
        }
        if (SqlTypes.isNumber(type)) {
            double value = rs.getDouble(column);
            return rs.wasNull() ? null : ofNumber(value);
        }
        String text = rs.getString(column);
        if (text == null) return null;
        return type == Types.CHAR || type == Types.NCHAR ? withoutPadding(text) : text;
    }

    /** {@code 3} for 3.0, {@code 2.5} for 2.5: integers without a fraction, others as Java writes doubles. */
    public static String ofNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return Double.toString(value);
    }

    public static String withoutPadding(String text) {
        return text.stripTrailing();
    }

    /** Whether a column of this type can hold categories: text, booleans, and H2's ENUM. */
    public static boolean isCategorical(int type, String typeName) {
        return type == Types.BOOLEAN || type == Types.BIT || SqlTypes.isText(type, typeName);
    }
}

package dev.sqlnn.data;

import java.sql.Types;
import java.util.Locale;

/**
 * What a JDBC column type means to sqlnn, decided in one place for training and scoring alike:
 * bytes (an image), an ARRAY of numbers, a plain number, or text (H2's ENUM counts as text).
 */
public final class SqlTypes {

    private SqlTypes() {
    }

    /** VARBINARY, BINARY, LONGVARBINARY or BLOB: unsigned bytes. */
    public static boolean isBinary(int type) {
        return type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
    }

    public static boolean isArray(int type) {
        return type == Types.ARRAY;
    }

    /** An integer, floating-point or decimal type. */
    public static boolean isNumber(int type) {
        return isInteger(type) || switch (type) {
            case Types.REAL, Types.FLOAT, Types.DOUBLE, Types.DECIMAL, Types.NUMERIC -> true;
            default -> false;
        };
    }

    public static boolean isInteger(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> true;
            default -> false;
        };
    }

    /** A character type, a CLOB, or H2's ENUM (reported as OTHER named {@code ENUM(...)}). */
    public static boolean isText(int type, String typeName) {
        return switch (type) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> true;
            default -> typeName != null && typeName.toUpperCase(Locale.ROOT).startsWith("ENUM");
        };
    }

    /**
     * The elements of an ARRAY column of the current row, as the driver hands them over (usually a
     * boxed array such as {@code Float[]}, rarely a primitive one), or null for SQL NULL. Read with
     * {@code getObject}: PL/Java's connection inside PostgreSQL returns the elements there, and cannot
     * make a {@link java.sql.Array} of them.
     */
    public static Object arrayElements(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        Object value = rs.getObject(column);
        if (!(value instanceof java.sql.Array array)) return value;
        Object elements = array.getArray();
        try {
            array.free();
        } catch (java.sql.SQLFeatureNotSupportedException ignored) {
            // Some drivers keep nothing to free; the elements are already copied out.
        }
        return elements;
    }
}

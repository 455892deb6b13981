package dev.sqlnn.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows as an aligned text table, in the style of psql: numbers right-aligned, NULL blank, binary
 * values and arrays summarised so that a table of images stays readable.
 */
final class TextTable {

    private static final int MAX_CELL = 80;
    private static final int MAX_ARRAY_ELEMENTS = 6;

    private final List<String> headers;
    private final List<Boolean> numeric;
    private final List<String[]> rows = new ArrayList<>();
    private long omitted;
    private boolean uncounted;

    TextTable(List<String> headers, List<Boolean> numeric) {
        this.headers = List.copyOf(headers);
        this.numeric = List.copyOf(numeric);
    }

    /** Reads up to {@code limit} rows of a result set (0: all); returns the table and how many rows were left out. */
    static TextTable of(ResultSet rs, long limit) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        List<String> headers = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        for (int c = 1; c <= columns; c++) {
            headers.add(meta.getColumnLabel(c));
            numeric.add(isNumeric(meta.getColumnType(c)));
        }
        TextTable table = new TextTable(headers, numeric);
        while (rs.next()) {
            if (limit > 0 && table.rows.size() >= limit) {
                table.omitted++;
                continue;
            }
            String[] row = new String[columns];
            for (int c = 1; c <= columns; c++) row[c - 1] = format(rs.getObject(c));
            table.rows.add(row);
        }
        return table;
    }

    /**
     * The rows were read from a query cut at the limit and one more row: that a row was left out is
     * known, not how many.
     */
    TextTable uncounted() {
        uncounted = true;
        return this;
    }

    void add(Object... values) {
        String[] row = new String[values.length];
        for (int i = 0; i < values.length; i++) row[i] = values[i] instanceof String s ? s : format(values[i]);
        rows.add(row);
    }

    int size() {
        return rows.size();
    }

    void print(PrintWriter out) {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) width[c] = headers.get(c).length();
        for (String[] row : rows) {
            for (int c = 0; c < width.length; c++) width[c] = Math.max(width[c], row[c].length());
        }
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            if (c > 0) line.append(" |");
            line.append(' ').append(center(headers.get(c), width[c]));
        }
        out.println(line.toString().stripTrailing());
        line.setLength(0);
        for (int c = 0; c < width.length; c++) {
            if (c > 0) line.append('+');
            line.append("-".repeat(width[c] + 2));
        }
        out.println(line);
        for (String[] row : rows) {
            line.setLength(0);
            for (int c = 0; c < width.length; c++) {
                if (c > 0) line.append(" |");
                line.append(' ').append(numeric.get(c) ? pad(row[c], width[c], true) : pad(row[c], width[c], false));
            }
            out.println(line.toString().stripTrailing());
        }
        String count = "(" + rows.size() + (rows.size() == 1 ? " row" : " rows");
        if (omitted == 0) {
            out.println(count + ")");
        } else if (uncounted) {
            out.println(count + " shown; there are more: --limit 0 prints them all)");
        } else {
            out.println(count + " shown; " + omitted + " more not shown)");
        }
        out.flush();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    private static String center(String s, int width) {
        int left = (width - s.length()) / 2;
        return " ".repeat(left) + s + " ".repeat(width - s.length() - left);
    }

    private static boolean isNumeric(int sqlType) {
        return switch (sqlType) {
            case java.sql.Types.TINYINT, java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT,
                 java.sql.Types.REAL, java.sql.Types.FLOAT, java.sql.Types.DOUBLE, java.sql.Types.NUMERIC,
                 java.sql.Types.DECIMAL -> true;
            default -> false;
        };
    }

    /** A value as a table cell: numbers to six significant digits, binary values and arrays summarised. */
    static String format(Object value) {
        try {
            String text = switch (value) {
                case null -> "";
                case Double d -> number(d);
                case Float f -> number(f.doubleValue());
                case BigDecimal b -> b.toPlainString();
                case byte[] bytes -> "<" + bytes.length + " bytes>";
                case Blob blob -> "<" + blob.length() + " bytes>";
                case Array array -> array((Object[]) array.getArray());
                case Object[] elements -> array(elements);
                default -> value.toString();
            };
            return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 1) + "…" : text;
        } catch (SQLException e) {
            return "<" + e.getMessage() + ">";
        }
    }

    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return Double.toString(d);
        if (d == 0) return "0";
        BigDecimal rounded = new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros();
        double magnitude = Math.abs(d);
        return magnitude >= 1e-4 && magnitude < 1e12 ? rounded.toPlainString() : rounded.toString();
    }

    private static String array(Object[] elements) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < elements.length && i < MAX_ARRAY_ELEMENTS; i++) {
            if (i > 0) sb.append(", ");
            sb.append(format(elements[i]));
        }
        if (elements.length > MAX_ARRAY_ELEMENTS) sb.append(", … ").append(elements.length).append(" values");
        return sb.append(']').toString();
    }
}

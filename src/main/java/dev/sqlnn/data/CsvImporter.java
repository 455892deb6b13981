package dev.sqlnn.data;

import org.h2.tools.Csv;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Imports a CSV file into a new table whose columns are typed by their content: {@code INTEGER} or
 * {@code BIGINT} when every value is an integer, {@code DOUBLE PRECISION} when every value is a
 * decimal number, else {@code VARCHAR}. Empty cells are NULL (and do not decide a type; a column with
 * only empty cells is VARCHAR). The header line names the columns, and the names are kept exactly,
 * as quoted identifiers, so that {@code "Sepal Length"} keeps its case and its space.
 *
 * <p>Why not H2's {@code CSVREAD} alone: it types every column VARCHAR, so a table made with
 * {@code CREATE TABLE t AS SELECT * FROM CSVREAD('f.csv')} holds numbers as text, which training
 * refuses as features; and it upper-cases simple header names. {@code CSVREAD} suffices when the
 * caller writes the types: {@code CREATE TABLE t (a INT, b DOUBLE PRECISION) AS SELECT * FROM
 * CSVREAD('f.csv')}. This class uses the same parser ({@link Csv}: RFC 4180 quoting, {@code ""} for a
 * quote inside a quoted field, unquoted values trimmed, fields beyond the header's ignored, missing
 * ones NULL, duplicate header names made unique by appending {@code 1}) and reads the file twice:
 * once to decide the types, once to insert, so that memory does not grow with the file.
 *
 * <p>The file must be UTF-8 (a byte-order mark is skipped).
 */
public final class CsvImporter {

    private static final int BATCH = 1000;
    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL_TEXT = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /** A column's SQL type, in order of generality: each holds every value of the ones before it. */
    public enum ColumnType {
        INTEGER("INTEGER"),
        BIGINT("BIGINT"),
        DOUBLE("DOUBLE PRECISION"),
        VARCHAR("VARCHAR");

        private final String sql;

        ColumnType(String sql) {
            this.sql = sql;
        }

        /** The type as written in {@code CREATE TABLE}, valid in H2 and PostgreSQL. */
        public String sql() {
            return sql;
        }

        /** The narrowest type that holds this one's values and {@code value} (non-blank). */
        ColumnType widen(String value) {
            if (this == VARCHAR) return VARCHAR;
            return ordinal() >= typeOf(value).ordinal() ? this : typeOf(value);
        }

        private static ColumnType typeOf(String value) {
            if (INTEGER_TEXT.matcher(value).matches()) {
                try {
                    long v = Long.parseLong(value);
                    return v == (int) v ? INTEGER : BIGINT;
                } catch (NumberFormatException beyondBigint) {
                    return DOUBLE;
                }
            }
            if (DECIMAL_TEXT.matcher(value).matches() && Double.isFinite(Double.parseDouble(value))) {
                return DOUBLE;
            }
            return VARCHAR;
        }
    }

    /** A column of the table to be created: the header's name, kept as it is, and the type its values need. */
    public record Column(String name, ColumnType type) {
    }

    /** What a first pass over the file found. */
    private record Scan(List<Column> columns, int rows) {
    }

    private CsvImporter() {
    }

    /** {@link #importFile(Connection, String, Path, boolean)} without replacing: an existing table is refused. */
    public static int importFile(Connection connection, String table, Path csv) throws IOException, SQLException {
        return importFile(connection, table, csv, false);
    }

    /**
     * Creates {@code table} with the CSV file's columns, typed by content, and inserts its rows on the
     * caller's connection; returns the rows written. The file is checked completely before the table
     * is touched.
     *
     * @param table   a plain identifier such as {@code IRIS} or {@code MYSCHEMA.IRIS}
     * @param replace whether an existing table of that name is dropped; if false, it is refused
     * @throws IOException          the file is missing, unreadable or not UTF-8 (the message names it)
     * @throws DataException        a bad table name, or a file without a header line
     * @throws TableExistsException the table exists and {@code replace} is false
     * @throws SQLException         the database refused the table or its rows
     */
    public static int importFile(Connection connection, String table, Path csv, boolean replace)
            throws IOException, SQLException {
        ImportTarget.checkName(table);
        ImportTarget.checkAbsent(connection, table, replace);
        Scan scan = scan(csv);
        ImportTarget.create(connection, table, replace, createTable(table, scan.columns()));
        try {
            int written = insert(connection, table, csv, scan.columns());
            if (written != scan.rows()) {
                throw new DataException("the CSV file " + csv.toAbsolutePath() + " changed while it was imported: "
                        + scan.rows() + " rows at first, then " + written);
            }
            return written;
        } catch (IOException | SQLException | RuntimeException e) {
            ImportTarget.dropAfterFailure(connection, table, e);
            throw e;
        }
    }

    /** The columns {@link #importFile} would create for {@code csv}: header names and types by content. */
    public static List<Column> columns(Path csv) throws IOException {
        return scan(csv).columns();
    }

    private static Scan scan(Path csv) throws IOException {
        try (Reader reader = open(csv); ResultSet rs = parse(reader, csv)) {
            String[] names = names(rs.getMetaData(), csv);
            ColumnType[] types = new ColumnType[names.length];
            int rows = 0;
            while (next(rs, csv)) {
                if (rows == Integer.MAX_VALUE) {
                    throw new DataException("the CSV file " + csv.toAbsolutePath() + " has more than "
                            + Integer.MAX_VALUE + " rows; split it");
                }
                rows++;
                for (int c = 0; c < names.length; c++) {
                    String value = blankToNull(rs.getString(c + 1));
                    if (value != null) types[c] = types[c] == null ? ColumnType.INTEGER.widen(value) : types[c].widen(value);
                }
            }
            List<Column> columns = new ArrayList<>(names.length);
            for (int c = 0; c < names.length; c++) {
                columns.add(new Column(names[c], types[c] == null ? ColumnType.VARCHAR : types[c]));
            }
            return new Scan(List.copyOf(columns), rows);
        } catch (SQLException e) {
            throw readFailure(csv, e);
        }
    }

    private static int insert(Connection connection, String table, Path csv, List<Column> columns)
            throws IOException, SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
        for (int c = 0; c < columns.size(); c++) sql.append(c == 0 ? "" : ", ").append(quote(columns.get(c).name()));
        sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?)");
        try (Reader reader = open(csv); ResultSet rs = parse(reader, csv);
             PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            int rows = 0;
            while (next(rs, csv)) {
                rows++;
                for (int c = 0; c < columns.size(); c++) {
                    set(insert, c + 1, columns.get(c), rs.getString(c + 1), rows, csv);
                }
                insert.addBatch();
                if (rows % BATCH == 0) insert.executeBatch();
            }
            insert.executeBatch();
            return rows;
        }
    }

    private static void set(PreparedStatement insert, int index, Column column, String raw, int row, Path csv)
            throws SQLException {
        if (column.type() == ColumnType.VARCHAR) {
            insert.setString(index, raw);
            return;
        }
        String value = blankToNull(raw);
        if (value == null) {
            insert.setNull(index, switch (column.type()) {
                case INTEGER -> Types.INTEGER;
                case BIGINT -> Types.BIGINT;
                default -> Types.DOUBLE;
            });
            return;
        }
        if (column.type().widen(value) != column.type()) {
            throw new DataException("the CSV file " + csv.toAbsolutePath() + " changed while it was imported: row "
                    + row + ", column \"" + column.name() + "\" now holds '" + value + "', not " + column.type().sql());
        }
        switch (column.type()) {
            case INTEGER -> insert.setInt(index, Integer.parseInt(value));
            case BIGINT -> insert.setLong(index, Long.parseLong(value));
            default -> insert.setDouble(index, Double.parseDouble(value));
        }
    }

    static String createTable(String table, List<Column> columns) {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table).append(" (");
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            sql.append(c == 0 ? "" : ", ").append(quote(column.name())).append(' ').append(column.type().sql());
        }
        return sql.append(')').toString();
    }

    /** A quoted identifier: any text, a double quote doubled, so a header name cannot end the identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String blankToNull(String value) {
        if (value == null) return null;
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }

    /** UTF-8 that reports bad bytes, rather than replacing them with U+FFFD and importing garbage. */
    private static Reader open(Path csv) throws IOException {
        return new InputStreamReader(ImportFiles.open(csv, "CSV"), StandardCharsets.UTF_8.newDecoder());
    }

    private static ResultSet parse(Reader reader, Path csv) throws IOException {
        Csv parser = new Csv();
        parser.setCaseSensitiveColumnNames(true); // keep header names as written
        try {
            return parser.read(reader, null);
        } catch (IOException e) {
            throw readFailure(csv, e);
        }
    }

    private static String[] names(ResultSetMetaData meta, Path csv) throws SQLException {
        int count = meta.getColumnCount();
        if (count == 0) {
            throw new DataException("the CSV file " + csv.toAbsolutePath()
                    + " is empty: its first line must name the columns, e.g. sepal_length,species");
        }
        String[] names = new String[count];
        for (int c = 0; c < count; c++) names[c] = meta.getColumnLabel(c + 1);
        return names;
    }

    /** The parser reports I/O failures (including bad UTF-8) as SQLExceptions: turn them back into I/O failures. */
    private static boolean next(ResultSet rs, Path csv) throws IOException, SQLException {
        try {
            return rs.next();
        } catch (SQLException e) {
            throw readFailure(csv, e);
        }
    }

    private static IOException readFailure(Path csv, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
        String problem = cause instanceof CharacterCodingException ? "it is not UTF-8 text (" + cause + ")"
                : cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return new IOException("reading the CSV file " + csv.toAbsolutePath() + " failed: " + problem, e);
    }
}

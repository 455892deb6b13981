package dev.sqlnn.data;

import dev.sqlnn.data.FeatureEncoding.Kind;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a query's feature columns row by row into one growing primitive array: exactly one
 * VARBINARY/BINARY/BLOB column (unsigned bytes, kept as bytes), exactly one numeric ARRAY column, or
 * one or more plain columns (both kept as float32). Every row must have the same width.
 *
 * <p>Plain columns are numbers or categories (text, booleans, ENUMs, or numbers the options ask to
 * one-hot encode). They are read raw, one float per column: the number, or the category's code among
 * the column's values so far; NaN for NULL. {@link #encoded} then fits the {@link FeatureEncoding}
 * and encodes them. Without {@link EncodingOptions} (the parts of a Spark training) plain columns
 * must be numbers and must not be NULL.
 */
final class FeatureCollector {

    private enum Form { BINARY, ARRAY, COLUMNS }

    /** The most distinct values a category column may have while it is read: beyond it the heap is at risk. */
    static final int MAX_DISTINCT = 1_000_000;

    private final Form form;
    private final int[] columns;        // 1-based JDBC indices
    private final List<String> names;
    private final EncodingOptions encoding; // null: numbers only, no NULLs
    private final Kind[] kinds;             // COLUMNS: each column's
    private final int[] types;              // COLUMNS: each column's JDBC type
    private final String[] typeNames;
    private final List<Map<String, Integer>> codes = new ArrayList<>(); // per column: category value -> code
    private final List<List<String>> values = new ArrayList<>();        // per column: categories by code
    private final List<int[]> counts = new ArrayList<>();                // per column: rows per code
    private final Growable.Bytes bytes;
    private final Growable.Floats numbers;
    private final HeapBudget budget;    // the rows' arrays and the categories' dictionaries
    private int width = -1;             // set by the first row

    private FeatureCollector(Form form, int[] columns, List<String> names, EncodingOptions encoding, Kind[] kinds,
                             int[] types, String[] typeNames, HeapBudget budget) {
        this.form = form;
        this.columns = columns;
        this.names = names;
        this.encoding = encoding;
        this.kinds = kinds;
        this.types = types;
        this.typeNames = typeNames;
        for (int i = 0; i < columns.length; i++) {
            codes.add(new HashMap<>());
            values.add(new ArrayList<>());
            counts.add(new int[16]);
        }
        this.bytes = new Growable.Bytes(budget);
        this.numbers = new Growable.Floats(budget);
        this.budget = budget;
    }

    /**
     * Every column except {@code labelIndex} is a feature; checks that together they form one kind.
     *
     * @param encoding how plain columns are encoded; null to take numbers only, none of them NULL
     */
    static FeatureCollector forColumns(ResultSetMetaData meta, int labelIndex, EncodingOptions encoding,
                                       HeapBudget budget) throws SQLException {
        int count = meta.getColumnCount();
        if (count < 2) {
            throw new DataException("the training query has only the label column " + meta.getColumnLabel(labelIndex)
                    + "; it needs feature columns too, e.g. SELECT image, label FROM ... or SELECT age, income, label FROM ...");
        }
        int[] columns = new int[count - 1];
        Kind[] kinds = new Kind[count - 1];
        int[] types = new int[count - 1];
        String[] typeNames = new String[count - 1];
        List<String> names = new ArrayList<>(count - 1);
        List<String> described = new ArrayList<>(count - 1);
        int binaries = 0;
        int arrays = 0;
        for (int index = 1, i = 0; index <= count; index++) {
            if (index == labelIndex) continue;
            String name = meta.getColumnLabel(index);
            String typeName = meta.getColumnTypeName(index);
            int type = meta.getColumnType(index);
            if (SqlTypes.isBinary(type)) binaries++;
            else if (SqlTypes.isArray(type)) arrays++;
            else kinds[i] = plainKind(name, type, typeName, encoding);
            columns[i] = index;
            types[i] = type;
            typeNames[i++] = typeName;
            names.add(name);
            described.add(name + " (" + typeName + ")");
        }
        if ((binaries > 0 || arrays > 0) && columns.length > 1) {
            throw new DataException("the feature columns " + String.join(", ", described)
                    + " cannot be combined; features must be exactly one VARBINARY column, exactly one numeric ARRAY column,"
                    + " or one or more plain numeric columns: select one of these forms (put extra numbers into the ARRAY)");
        }
        Form form = binaries > 0 ? Form.BINARY : arrays > 0 ? Form.ARRAY : Form.COLUMNS;
        if (encoding != null) checkColumnSettings(encoding, names);
        return new FeatureCollector(form, columns, List.copyOf(names), encoding, kinds, types, typeNames, budget);
    }

    /** Refuses settings for a column the query does not have: surely a typo, which would otherwise change nothing. */
    private static void checkColumnSettings(EncodingOptions encoding, List<String> names) {
        for (String named : encoding.columns().keySet()) {
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(named))) {
                throw new DataException("option 'columns' has settings for " + named + ", which is not a feature column of"
                        + " the training query; its feature columns are " + String.join(", ", names));
            }
        }
    }

    /** Whether a plain column is a number or holds categories, by its type and the options. */
    private static Kind plainKind(String name, int type, String typeName, EncodingOptions encoding) {
        boolean number = SqlTypes.isNumber(type);
        boolean categorical = CategoryText.isCategorical(type, typeName);
        if (encoding == null) {
            if (number) return Kind.NUMBER;
            throw new DataException("feature column " + name + " has type " + typeName
                    + "; training on Spark partitions takes plain numeric columns, one numeric ARRAY or one VARBINARY"
                    + " (text columns need ML_TRAIN for now): cast it, e.g. CAST(" + name
                    + " AS DOUBLE PRECISION), or leave it out of the query");
        }
        Boolean oneHot = encoding.column(name).oneHot();
        if (number && !Boolean.TRUE.equals(oneHot)) return Kind.NUMBER;
        if (number || categorical) {
            if (Boolean.FALSE.equals(oneHot)) {
                throw new DataException("option 'columns' asks to read feature column " + name + " as a number, but it has type "
                        + typeName + "; cast it in the query, e.g. CAST(" + name + " AS DOUBLE PRECISION), or leave out its encode");
            }
            return Kind.CATEGORY;
        }
        throw new DataException("feature column " + name + " has type " + typeName
                + "; features must be plain columns of numbers, text or booleans, one numeric ARRAY or one VARBINARY:"
                + " cast it, e.g. CAST(" + name + " AS DOUBLE PRECISION) or CAST(" + name + " AS VARCHAR),"
                + " or leave it out of the query");
    }

    /**
     * Encodes the plain columns read: with {@code fitted}, an encoding fitted before (a warm start's),
     * else with one fitted to these rows. Only for {@link FeatureKind#NUMERIC} with options.
     */
    EncodingFitter.Encoded encoded(int rows, FeatureEncoding fitted, HeapBudget budget) {
        if (form != Form.COLUMNS || encoding == null) throw new IllegalStateException("only plain columns are encoded");
        List<EncodingFitter.RawColumn> raw = new ArrayList<>(columns.length);
        for (int i = 0; i < columns.length; i++) {
            raw.add(new EncodingFitter.RawColumn(names.get(i), kinds[i], typeNames[i], values.get(i), counts.get(i)));
        }
        return fitted == null ? EncodingFitter.fit(raw, numbers(), rows, encoding, budget)
                : EncodingFitter.apply(fitted, raw, numbers(), rows, budget);
    }

    /** Whether the features are plain columns that {@link #encoded} encodes. */
    boolean encodes() {
        return form == Form.COLUMNS && encoding != null;
    }

    FeatureKind kind() {
        return form == Form.BINARY ? FeatureKind.BYTES : FeatureKind.NUMERIC;
    }

    int width() {
        return width;
    }

    List<String> names() {
        return names;
    }

    byte[] bytes() {
        return bytes.toArray();
    }

    float[] numbers() {
        return numbers.toArray();
    }

    /** Reads the features of the current row; {@code row} is 1-based, for messages. */
    void read(ResultSet rs, int row) throws SQLException {
        switch (form) {
            case BINARY -> {
                byte[] value = rs.getBytes(columns[0]);
                if (value == null) throw nullFeature(row, names.get(0));
                checkWidth(value.length, row, "OCTET_LENGTH");
                bytes.addAll(value);
            }
            case ARRAY -> readArray(SqlTypes.arrayElements(rs, columns[0]), row);
            case COLUMNS -> {
                checkWidth(columns.length, row, null);
                for (int i = 0; i < columns.length; i++) {
                    if (kinds[i] == Kind.CATEGORY) {
                        addCategory(i, CategoryText.read(rs, columns[i], types[i]), row);
                        continue;
                    }
                    double value = rs.getDouble(columns[i]);
                    if (!rs.wasNull()) addNumber(value, row, "feature column " + names.get(i));
                    else if (encoding != null) numbers.add(Float.NaN); // imputed, or refused, once the column is fitted
                    else throw nullFeature(row, names.get(i));
                }
            }
        }
    }

    private void readArray(Object elements, int row) {
        String name = names.get(0);
        if (elements == null) throw nullFeature(row, name);
        // Drivers return boxed Object[] (Float[], Double[], Integer[], BigDecimal[], ...) or, rarely, primitives.
        switch (elements) {
            case Object[] boxed -> {
                checkWidth(boxed.length, row, "CARDINALITY");
                for (int i = 0; i < boxed.length; i++) {
                    if (!(boxed[i] instanceof Number number)) throw badElement(boxed[i], i + 1, row, name);
                    addNumber(number.doubleValue(), row, elementOf(i + 1, name));
                }
            }
            case float[] values -> {
                checkWidth(values.length, row, "CARDINALITY");
                for (int i = 0; i < values.length; i++) addNumber(values[i], row, elementOf(i + 1, name));
            }
            case double[] values -> {
                checkWidth(values.length, row, "CARDINALITY");
                for (int i = 0; i < values.length; i++) addNumber(values[i], row, elementOf(i + 1, name));
            }
            case int[] values -> {
                checkWidth(values.length, row, "CARDINALITY");
                for (int value : values) numbers.add(value);
            }
            case long[] values -> {
                checkWidth(values.length, row, "CARDINALITY");
                for (long value : values) numbers.add(value);
            }
            default -> throw new DataException("feature column " + name + " in row " + row + " is an array of "
                    + elements.getClass().getSimpleName() + "; feature arrays must hold numbers (REAL, DOUBLE PRECISION, INTEGER, NUMERIC)");
        }
    }

    /** Adds category column {@code i}'s code for {@code value}, or NaN for NULL. */
    private void addCategory(int i, String value, int row) {
        if (value == null) {
            numbers.add(Float.NaN);
            return;
        }
        Map<String, Integer> known = codes.get(i);
        Integer code = known.get(value);
        if (code == null) {
            code = known.size();
            if (code == MAX_DISTINCT) {
                throw new DataException(String.format("feature column %s has more than %,d distinct values by row %,d;"
                        + " categories need values that repeat: leave it out if it is an identifier or free text, or"
                        + " group its values in the query", names.get(i), MAX_DISTINCT, row));
            }
            budget.charge(0, categoryBytes(value));
            known.put(value, code);
            values.get(i).add(value);
            if (code == counts.get(i).length) counts.set(i, Arrays.copyOf(counts.get(i), code * 2));
        }
        counts.get(i)[code]++;
        numbers.add(code);
    }

    /**
     * What one new category costs the heap, estimated: the string (header, array, two bytes a char at
     * most), its map entry and boxed code, its place in the list and its count. A text column with a
     * million distinct values takes some 150 MB: charged like the rows, so it ends in the heap limit's
     * error, not in an OutOfMemoryError elsewhere in the JVM.
     */
    static long categoryBytes(String value) {
        return 40 + 2L * value.length() + 48 + 16 + 8 + 4;
    }

    private static String elementOf(int element, String column) {
        return "element " + element + " of feature column " + column;
    }

    /** {@code lengthFunction} is the SQL function that measures a row's width, for the advice; null for plain columns. */
    private void checkWidth(int rowWidth, int row, String lengthFunction) {
        if (rowWidth == 0) {
            throw new DataException("row " + row + " has no features: column " + names.get(0)
                    + " is empty; every row needs at least one feature, leave such rows out of the query");
        }
        if (width < 0) {
            width = rowWidth;
        } else if (rowWidth != width) {
            throw new DataException("row " + row + " has " + rowWidth + " features; earlier rows have " + width
                    + "; every row needs the same number, e.g. add WHERE " + lengthFunction + "(" + names.get(0) + ") = " + width);
        }
    }

    /** Stores a value as float32 after checking that it is, and stays, finite. */
    private void addNumber(double value, int row, String where) {
        float number = (float) value;
        if (!Float.isFinite(number)) {
            throw new DataException("row " + row + " has " + value + " in " + where
                    + "; features must be finite numbers within the float32 range (±3.4E38): leave such rows out of the query or replace the value");
        }
        numbers.add(number);
    }

    private DataException nullFeature(int row, String column) {
        // Only a plain number has an obvious stand-in; a missing image or array must be left out.
        String replace = form == Form.COLUMNS ? ", or replace the NULL, e.g. COALESCE(" + column + ", 0)" : "";
        return new DataException("row " + row + " has a NULL in feature column " + column
                + "; features cannot be NULL: leave such rows out with WHERE " + column + " IS NOT NULL" + replace);
    }

    private static DataException badElement(Object element, int position, int row, String column) {
        if (element == null) {
            return new DataException("row " + row + " has a NULL at element " + position + " of feature column " + column
                    + "; array features cannot hold NULL: leave such rows out with a WHERE clause, or replace the NULL elements");
        }
        return new DataException("row " + row + " has a " + element.getClass().getSimpleName() + " at element " + position
                + " of feature column " + column + "; feature arrays must hold numbers (REAL, DOUBLE PRECISION, INTEGER, NUMERIC)");
    }
}

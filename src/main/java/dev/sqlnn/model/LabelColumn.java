package dev.sqlnn.model;

import dev.sqlnn.data.DataException;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.SqlTypes;
import dev.sqlnn.data.Task;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the label column of an evaluation query: for a classifier, the row's class among the
 * model's classes (integer labels compare as numbers, so {@code 3}, {@code 3.0} and {@code '3'} are
 * class 3); for a regression, the target value.
 *
 * <p>A label the model never saw has no output unit to be scored against: such rows are counted
 * and, once every row is read, reported together by {@link #checkAllKnown()} as an error, rather
 * than quietly counted as wrong or dropped.
 */
final class LabelColumn {

    /** Unknown labels named in the error message; the rest are counted. */
    private static final int NAMED_UNKNOWN = 10;
    /** Model classes listed in the error message. */
    private static final int LISTED_CLASSES = 20;

    private final Model model;
    private final int index;
    private final String label;
    private final boolean numeric;
    private final Map<String, Integer> classIndex = new HashMap<>();
    private final Map<String, Long> unknown = new LinkedHashMap<>();
    private long unknownRows;

    private LabelColumn(Model model, int index, String label, boolean numeric) {
        this.model = model;
        this.index = index;
        this.label = label;
        this.numeric = numeric;
        List<String> classes = model.classes();
        for (int c = 0; c < classes.size(); c++) classIndex.put(classes.get(c), c);
    }

    /** Column {@code index} (1-based) of the query, checked to be a label the model can be measured on. */
    static LabelColumn of(Model model, ResultSetMetaData meta, int index) throws SQLException {
        String label = meta.getColumnLabel(index);
        int type = meta.getColumnType(index);
        boolean numeric = SqlTypes.isNumber(type);
        boolean text = SqlTypes.isText(type, meta.getColumnTypeName(index));
        Model m = model;
        if (m.task() == Task.REGRESSION ? !numeric : !(numeric || text)) {
            throw new DataException("the last column of the query is the label; " + label + " has type "
                    + meta.getColumnTypeName(index) + ", but model " + model.describe() + " needs "
                    + (m.task() == Task.REGRESSION ? "a number (it is a regression)" : "a class label, a number or text")
                    + "; put the label last, like the training query");
        }
        return new LabelColumn(model, index, label, numeric);
    }

    /** The current row's class index, or -1 for a label the model never saw (remembered for {@link #checkAllKnown}). */
    int classIndex(ResultSet rs, long row) throws SQLException {
        String text = classText(rs, row);
        Integer c = classIndex.get(text);
        if (c != null) return c;
        unknownRows++;
        if (unknown.size() < NAMED_UNKNOWN || unknown.containsKey(text)) unknown.merge(text, 1L, Long::sum);
        return -1;
    }

    /** The label as the model's classes spell it: integers in plain decimal. */
    private String classText(ResultSet rs, long row) throws SQLException {
        if (model.labelKind() != LabelKind.INTEGER) return nonNull(rs.getString(index), row);
        if (numeric) {
            BigDecimal value = decimal(nonNull(rs.getObject(index), row));
            BigDecimal whole = value.stripTrailingZeros();
            return whole.scale() <= 0 ? whole.toBigInteger().toString() : value.toPlainString();
        }
        String text = nonNull(rs.getString(index), row).trim();
        try {
            return new BigDecimal(text).stripTrailingZeros().toBigIntegerExact().toString();
        } catch (NumberFormatException | ArithmeticException notAnInteger) {
            return text;
        }
    }

    /** A number as a BigDecimal: read with getObject, since PL/Java's connection converts few types to BigDecimal. */
    private static BigDecimal decimal(Object number) {
        return number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
    }

    /** The current row's target. */
    double target(ResultSet rs, long row) throws SQLException {
        double value = rs.getDouble(index);
        if (rs.wasNull()) throw nullLabel(row);
        if (!Double.isFinite(value)) {
            throw new DataException("row " + row + " has label " + value + " in column " + label
                    + "; a regression is measured on finite values: leave such rows out of the query");
        }
        return value;
    }

    private <T> T nonNull(T value, long row) {
        if (value == null) throw nullLabel(row);
        return value;
    }

    private DataException nullLabel(long row) {
        return new DataException("row " + row + " has a NULL label in column " + label
                + "; every row needs its true label: leave such rows out with WHERE " + label + " IS NOT NULL");
    }

    /** Refuses the rows whose labels the model never saw, naming the first few, once every row has been read. */
    void checkAllKnown() {
        if (unknownRows == 0) return;
        StringBuilder named = new StringBuilder();
        unknown.forEach((text, rows) -> named.append(named.isEmpty() ? "" : ", ").append('\'').append(text)
                .append("' (").append(rows).append(rows == 1 ? " row)" : " rows)"));
        if (unknown.values().stream().mapToLong(Long::longValue).sum() < unknownRows) named.append(", …");
        List<String> classes = model.classes();
        String listed = String.join(", ", classes.subList(0, Math.min(LISTED_CLASSES, classes.size())))
                + (classes.size() > LISTED_CLASSES ? ", … (" + classes.size() + " classes)" : "");
        throw new DataException(unknownRows + (unknownRows == 1 ? " row has a label" : " rows have labels")
                + " that model " + model.describe() + " never saw in training, in column " + label + ": " + named
                + "; its classes are " + listed + ". Leave those rows out of the query, e.g. WHERE " + label
                + " IN (...) with the model's classes");
    }
}

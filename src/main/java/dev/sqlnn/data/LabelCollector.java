package dev.sqlnn.data;

import dev.sqlnn.data.Task;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the label column row by row and turns it into class indices or regression targets.
 *
 * <p>The column's SQL type gives the label kind: integer types, and DECIMAL/NUMERIC with scale 0, are
 * INTEGER classes; character types (and H2's ENUM) are TEXT classes; REAL, DOUBLE PRECISION, FLOAT,
 * DECFLOAT and DECIMAL/NUMERIC with a positive scale are FLOAT, i.e. a regression unless the task says
 * otherwise. An explicit task overrides the inference both ways: {@code regression} on integer labels
 * regresses on the numbers; {@code classification} on FLOAT labels is accepted only when every value is
 * a whole number, and then the labels are INTEGER classes, because a class named "2.5" would make
 * {@code PREDICT} (which returns INTEGER) meaningless.
 */
final class LabelCollector {

    /** How a row's label is read: chosen once from the column's type and the task. */
    private enum Reading { TEXT_CLASS, LONG_CLASS, DECIMAL_CLASS, DOUBLE_CLASS, TARGET }

    private final String column;
    private final String typeName;
    private final Task task;
    private final Reading reading;
    private final int index;

    private final Growable.Longs integerClasses;
    private final Growable.Ints textClassIds; // ids in order of first appearance
    private final Map<String, Integer> textIdsByLabel = new HashMap<>();
    private final Growable.Floats targets;

    private List<String> classes = List.of();
    private int[] classIndices;

    private LabelCollector(String column, String typeName, Task task, Reading reading, int index, HeapBudget budget) {
        this.integerClasses = new Growable.Longs(budget);
        this.textClassIds = new Growable.Ints(budget);
        this.targets = new Growable.Floats(budget);
        this.column = column;
        this.typeName = typeName;
        this.task = task;
        this.reading = reading;
        this.index = index;
    }

    /** Chooses how to read column {@code index} (1-based) for the requested task (null: infer it). */
    static LabelCollector forColumn(ResultSetMetaData meta, int index, Task requested, HeapBudget budget)
            throws SQLException {
        String column = meta.getColumnLabel(index);
        String typeName = meta.getColumnTypeName(index);
        int type = meta.getColumnType(index);
        LabelKind declared = declaredKind(type, typeName, meta.getScale(index));
        if (declared == null) {
            throw new DataException("label column " + column + " has type " + typeName
                    + "; a label must be an integer or text (classification) or a floating-point number (regression); "
                    + "cast it in the query, e.g. CAST(" + column + " AS INTEGER)");
        }
        Task task = requested != null ? requested : declared == LabelKind.FLOAT ? Task.REGRESSION : Task.CLASSIFICATION;
        if (task == Task.REGRESSION && declared == LabelKind.TEXT) {
            throw new DataException("task regression needs a numeric label, but column " + column + " has type "
                    + typeName + "; leave out \"task\" to train a classifier on the text labels, or choose a numeric label");
        }
        Reading reading;
        if (task == Task.REGRESSION) reading = Reading.TARGET;
        else if (declared == LabelKind.TEXT) reading = Reading.TEXT_CLASS;
        else if (type == Types.DECIMAL || type == Types.NUMERIC) reading = Reading.DECIMAL_CLASS;
        else if (declared == LabelKind.INTEGER) reading = Reading.LONG_CLASS;
        else reading = Reading.DOUBLE_CLASS;
        return new LabelCollector(column, typeName, task, reading, index, budget);
    }

    private static LabelKind declaredKind(int type, String typeName, int scale) {
        if (SqlTypes.isInteger(type)) return LabelKind.INTEGER;
        if (type == Types.DECIMAL || type == Types.NUMERIC) {
            return scale > 0 || typeName.equalsIgnoreCase("DECFLOAT") ? LabelKind.FLOAT : LabelKind.INTEGER;
        }
        if (SqlTypes.isNumber(type)) return LabelKind.FLOAT;
        return SqlTypes.isText(type, typeName) ? LabelKind.TEXT : null;
    }

    Task task() {
        return task;
    }

    /** INTEGER or TEXT for a classifier (whole-number FLOAT columns become INTEGER), FLOAT for a regression. */
    LabelKind labelKind() {
        return switch (reading) {
            case TEXT_CLASS -> LabelKind.TEXT;
            case LONG_CLASS, DECIMAL_CLASS, DOUBLE_CLASS -> LabelKind.INTEGER;
            case TARGET -> LabelKind.FLOAT;
        };
    }

    /** Reads the label of the current row; {@code row} is 1-based, for messages. */
    void read(ResultSet rs, int row) throws SQLException {
        switch (reading) {
            case TEXT_CLASS -> addText(nonNull(rs.getString(index), row), row);
            case LONG_CLASS -> {
                long value = rs.getLong(index);
                if (rs.wasNull()) throw nullLabel(row);
                integerClasses.add(value);
            }
            case DECIMAL_CLASS -> integerClasses.add(wholeNumber(nonNull(rs.getBigDecimal(index), row), row));
            case DOUBLE_CLASS -> {
                double value = rs.getDouble(index);
                if (rs.wasNull()) throw nullLabel(row);
                if (value != Math.rint(value) || Math.abs(value) >= 0x1p63) throw notWhole(Double.toString(value), row);
                integerClasses.add((long) value);
            }
            case TARGET -> {
                double value = rs.getDouble(index);
                if (rs.wasNull()) throw nullLabel(row);
                addTarget(value, row);
            }
        }
    }

    private <T> T nonNull(T value, int row) {
        if (value == null) throw nullLabel(row);
        return value;
    }

    private DataException nullLabel(int row) {
        return new DataException("row " + row + " has a NULL label in column " + column
                + "; every training row needs a label: leave such rows out with WHERE " + column + " IS NOT NULL");
    }

    private void addText(String label, int row) {
        Integer id = textIdsByLabel.get(label);
        if (id == null) {
            id = textIdsByLabel.size();
            textIdsByLabel.put(label, id);
            if (textIdsByLabel.size() > Dataset.MAX_CLASSES) throw tooManyClasses();
        }
        textClassIds.add(id);
    }

    private long wholeNumber(BigDecimal value, int row) {
        try {
            return value.longValueExact();
        } catch (ArithmeticException notWholeOrTooLarge) {
            throw notWhole(value.toPlainString(), row);
        }
    }

    private DataException notWhole(String value, int row) {
        String why = reading == Reading.DECIMAL_CLASS
                ? "column " + column + " has type " + typeName + " with scale 0, so its values are read as integer classes"
                : "task classification needs whole-number or text labels";
        return new DataException(why + ", but row " + row + " holds " + value + " in column " + column
                + " (not a whole number within the 64-bit range); set \"task\":\"regression\" to regress on it, "
                + "or round it in the query, e.g. CAST(ROUND(" + column + ") AS BIGINT)");
    }

    private void addTarget(double value, int row) {
        float target = (float) value;
        if (!Float.isFinite(target)) {
            throw new DataException("row " + row + " has label " + value + " in column " + column
                    + "; regression targets must be finite numbers within the float32 range (±3.4E38): "
                    + "leave such rows out of the query, or rescale the label");
        }
        targets.add(target);
    }

    private DataException tooManyClasses() {
        return new DataException("column " + column + " has more than " + Dataset.MAX_CLASSES
                + " distinct labels, more than a classifier can have; for a numeric label set \"task\":\"regression\", "
                + "otherwise group the labels into fewer classes in the query");
    }

    /** Turns the collected labels of all {@code rows} rows into classes (sorted) and class indices. */
    void finish(int rows) {
        finish(rows, true);
    }

    /** @param wholeTable false for one part of a table, whose rows may all have one class of several */
    void finish(int rows, boolean wholeTable) {
        switch (reading) {
            case TARGET -> { }
            case TEXT_CLASS -> finishText();
            default -> finishIntegers();
        }
        if (wholeTable && task == Task.CLASSIFICATION && classes.size() < 2) {
            throw new DataException("a classifier needs at least two classes, but all " + rows + " rows have label '"
                    + classes.get(0) + "' in column " + column + "; check the query's WHERE clause"
                    + (reading == Reading.TEXT_CLASS ? "" : ", or set \"task\":\"regression\""));
        }
    }

    private void finishIntegers() {
        long[] labels = integerClasses.toArray();
        long[] distinct = labels.clone();
        Arrays.sort(distinct);
        int count = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[i - 1]) distinct[count++] = distinct[i];
        }
        if (count > Dataset.MAX_CLASSES) throw tooManyClasses();
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) names.add(Long.toString(distinct[i]));
        classIndices = new int[labels.length];
        for (int row = 0; row < labels.length; row++) {
            classIndices[row] = Arrays.binarySearch(distinct, 0, count, labels[row]);
        }
        classes = List.copyOf(names);
    }

    private void finishText() {
        List<String> sorted = new ArrayList<>(textIdsByLabel.keySet());
        sorted.sort(null);
        int[] sortedIndexById = new int[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) sortedIndexById[textIdsByLabel.get(sorted.get(i))] = i;
        classIndices = textClassIds.toArray();
        for (int row = 0; row < classIndices.length; row++) classIndices[row] = sortedIndexById[classIndices[row]];
        classes = List.copyOf(sorted);
    }

    List<String> classes() {
        return classes;
    }

    int[] classIndices() {
        return classIndices;
    }

    float[] targets() {
        return targets.toArray();
    }
}

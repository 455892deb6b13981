package dev.sqlnn.model;

import dev.sqlnn.data.CategoryText;
import dev.sqlnn.data.DataException;
import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.SqlTypes;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which columns of a query hold a model's features, and how to read them into the model's scaled
 * input row: one VARBINARY column of unsigned bytes, one numeric ARRAY column, or one plain numeric
 * column per feature.
 *
 * <p>Two ways to choose them. {@link #forPrediction} ({@code ML_PREDICT}) looks for them by the
 * model's kind and feature names, so that other columns (ids and the like) can ride along;
 * {@link #forEvaluation} takes every column before the last, which is the label, as training does.
 */
public final class FeatureColumns {

    private enum Form { BYTES, ARRAY, COLUMNS }

    /** One column of a query, as its metadata describes it. */
    private record Column(int index, String label, int type, String typeName) {

        boolean isBinary() {
            return SqlTypes.isBinary(type);
        }

        boolean isArray() {
            return SqlTypes.isArray(type);
        }

        boolean isNumber() {
            return SqlTypes.isNumber(type);
        }

        /** Whether this column can give feature {@code k} of {@code encoding} its value: a number for a number, else a category's. */
        boolean fits(FeatureEncoding encoding, int k) {
            if (encoding == null || encoding.column(k).kind() == FeatureEncoding.Kind.NUMBER) return isNumber();
            return isNumber() || CategoryText.isCategorical(type, typeName);
        }

        @Override
        public String toString() {
            return label + " (" + typeName + ")";
        }
    }

    private final Model model;
    private final Form form;
    private final int[] columns; // 1-based; one for BYTES and ARRAY, one per feature column for COLUMNS
    private final int[] types;   // their JDBC types
    private final String[] labels;

    private FeatureColumns(Model model, Form form, List<Column> chosen) {
        this.model = model;
        this.form = form;
        this.columns = chosen.stream().mapToInt(Column::index).toArray();
        this.types = chosen.stream().mapToInt(Column::type).toArray();
        this.labels = chosen.stream().map(Column::label).toArray(String[]::new);
    }

    /**
     * The feature columns of an {@code ML_PREDICT} query. For a model trained on bytes: the one
     * VARBINARY column (if there are several, the one named like the training column). For a model
     * trained on plain columns: the columns named like them, in any order and case; failing that, one
     * numeric ARRAY in the training columns' order. For a model trained on an ARRAY: the one ARRAY
     * column (if several, the one named like the training column). Every other column is not a feature.
     *
     * @throws DataException naming the model, the columns it needs and the query's columns
     */
    public static FeatureColumns forPrediction(Model model, ResultSetMetaData meta) throws SQLException {
        List<Column> all = columns(meta, meta.getColumnCount());
        Model m = model;
        List<String> names = m.featureNames();
        if (m.preprocessing().kind() == FeatureKind.BYTES) {
            Column image = pickOne(model, all.stream().filter(Column::isBinary).toList(), names.get(0), "VARBINARY");
            if (image == null) throw missing(model, all, "as one VARBINARY column (it was trained on " + names.get(0) + ")");
            return new FeatureColumns(model, Form.BYTES, List.of(image));
        }
        boolean plain = plainColumns(m);
        if (plain) {
            List<Column> byName = byName(model, all, names);
            if (byName != null) return new FeatureColumns(model, Form.COLUMNS, byName);
        }
        Column array = takesArray(m) ? pickOne(model, all.stream().filter(Column::isArray).toList(),
                names.size() == 1 ? names.get(0) : null, "ARRAY") : null;
        if (array != null) return new FeatureColumns(model, Form.ARRAY, List.of(array));
        if (plain && !takesArray(m)) {
            throw missing(model, all, "from the columns " + String.join(", ", names)
                    + " (any order); the query has no column " + String.join(", ", missingNames(all, names)));
        }
        if (plain) {
            throw missing(model, all, "from the columns " + String.join(", ", names)
                    + " (any order), or as one numeric ARRAY in that order; the query has no column "
                    + String.join(", ", missingNames(all, names)) + " and no ARRAY");
        }
        throw missing(model, all, "as one numeric ARRAY column (it was trained on " + names.get(0) + ")");
    }

    /**
     * The feature columns of an {@code ML_EVALUATE} query: every column before the last, as in
     * training. Plain columns named like the model's features (in any order and case) are matched by
     * name; otherwise they are taken in order.
     *
     * @throws DataException when they do not form one kind of features that the model takes
     */
    public static FeatureColumns forEvaluation(Model model, ResultSetMetaData meta) throws SQLException {
        int count = meta.getColumnCount();
        if (count < 2) {
            throw new DataException("the query has only the column " + meta.getColumnLabel(1) + "; it needs the"
                    + " feature columns and then the label as the last column, like the training query of model "
                    + model.describe());
        }
        List<Column> features = columns(meta, count - 1);
        Model m = model;
        boolean bytes = m.preprocessing().kind() == FeatureKind.BYTES;
        if (features.size() == 1 && (features.get(0).isBinary() || (features.get(0).isArray() && takesArray(m)))) {
            Column only = features.get(0);
            if (bytes != only.isBinary()) throw wrongKind(model, features);
            return new FeatureColumns(model, only.isBinary() ? Form.BYTES : Form.ARRAY, features);
        }
        if (bytes) throw wrongKind(model, features);
        int expected = m.encoding() != null ? m.featureNames().size() : m.inputWidth();
        if (features.size() != expected) {
            throw new DataException("model " + model.describe() + " expects " + expected + " features"
                    + (m.encoding() != null ? " (columns " + String.join(", ", m.featureNames()) + ")" : "")
                    + "; the query has " + features.size() + (features.size() == 1 ? " feature column (" : " feature columns (")
                    + String.join(", ", labels(features))
                    + ") before the label column " + meta.getColumnLabel(count));
        }
        List<Column> byName = m.featureNames().size() == features.size() ? byName(model, features, m.featureNames()) : null;
        List<Column> chosen = byName != null ? byName : features;
        for (int k = 0; k < chosen.size(); k++) {
            if (!chosen.get(k).fits(m.encoding(), k)) {
                throw new DataException("feature column " + chosen.get(k) + " cannot be feature " + (k + 1) + " of model "
                        + model.describe() + ", which is " + describeFeature(m, k) + "; the features are plain columns,"
                        + " one VARBINARY column or one numeric ARRAY column, before the label column "
                        + meta.getColumnLabel(count));
            }
        }
        return new FeatureColumns(model, Form.COLUMNS, chosen);
    }

    /** Whether column {@code index} (1-based) is one of the features. */
    public boolean isFeature(int index) {
        for (int c : columns) {
            if (c == index) return true;
        }
        return false;
    }

    /** The feature columns' labels, in the order they are read. */
    public List<String> labels() {
        return List.of(labels);
    }

    /**
     * Scales the current row's features into {@code out[offset..offset + width)}. Returns false, and
     * leaves that part of {@code out} undefined, when the feature value is NULL (for plain columns:
     * when any of them is).
     *
     * @param row the row's number in the query, from 1, for messages
     * @throws DataException for a wrong width, a NULL array element or a number that is not finite
     */
    public boolean read(ResultSet rs, long row, float[] out, int offset) throws SQLException {
        Preprocessing p = model.preprocessing();
        switch (form) {
            case BYTES -> {
                byte[] bytes = readBytes(rs, row);
                if (bytes == null) return false;
                p.apply(bytes, 0, out, offset);
            }
            case ARRAY -> {
                Object elements = SqlTypes.arrayElements(rs, columns[0]);
                if (elements == null) return false;
                readArray(elements, row, p, out, offset);
            }
            case COLUMNS -> {
                FeatureEncoding encoding = model.encoding();
                if (encoding != null) return readEncoded(rs, row, encoding, p, out, offset);
                for (int i = 0; i < columns.length; i++) {
                    double x = rs.getDouble(columns[i]);
                    if (rs.wasNull()) return false;
                    out[offset + i] = p.apply(i, finite(x, row, "column " + labels[i]));
                }
            }
        }
        return true;
    }

    /** Encodes the current row's feature columns, then scales them; false for a NULL the encoding does not take. */
    private boolean readEncoded(ResultSet rs, long row, FeatureEncoding encoding, Preprocessing p, float[] out, int offset)
            throws SQLException {
        for (int i = 0; i < columns.length; i++) {
            if (encoding.column(i).kind() == FeatureEncoding.Kind.CATEGORY) {
                if (!encoding.encodeCategory(i, CategoryText.read(rs, columns[i], types[i]), out, offset)) return false;
                continue;
            }
            double x = rs.getDouble(columns[i]);
            float value = rs.wasNull() ? Float.NaN : finite(x, row, "column " + labels[i]);
            if (!encoding.encodeNumber(i, value, out, offset)) return false;
        }
        p.apply(out, offset, out, offset);
        return true;
    }

    private void readArray(Object elements, long row, Preprocessing p, float[] out, int offset) {
        if (!(elements instanceof Object[] boxed)) {
            throw new DataException("row " + row + ": column " + labels[0] + " is an array of "
                    + elements.getClass().getComponentType() + "; model " + model.describe() + " needs numbers");
        }
        FeatureEncoding encoding = model.encoding();
        if (encoding != null) {
            readEncodedArray(boxed, row, encoding, p, out, offset);
            return;
        }
        checkWidth(boxed.length, row, "array elements");
        for (int i = 0; i < boxed.length; i++) {
            if (!(boxed[i] instanceof Number number)) {
                throw new DataException("row " + row + ": element " + (i + 1) + " of " + labels[0] + " is "
                        + (boxed[i] == null ? "NULL" : "a " + boxed[i].getClass().getSimpleName()) + "; model "
                        + model.describe() + " needs a number in every position");
            }
            float x = finite(number.doubleValue(), row, "element " + (i + 1) + " of " + labels[0]);
            out[offset + i] = p.apply(i, x);
        }
    }

    /** An ARRAY of a model trained on number columns: element i is column i, and a NULL element is imputed as NULL there would be. */
    private void readEncodedArray(Object[] boxed, long row, FeatureEncoding encoding, Preprocessing p, float[] out, int offset) {
        int expected = encoding.columns().size();
        if (boxed.length != expected) {
            throw new DataException("row " + row + ": model " + model.describe() + " expects " + expected
                    + " features, got " + boxed.length + " array elements in column " + labels[0]);
        }
        for (int i = 0; i < boxed.length; i++) {
            float value;
            if (boxed[i] == null) value = Float.NaN;
            else if (boxed[i] instanceof Number number) value = finite(number.doubleValue(), row, "element " + (i + 1) + " of " + labels[0]);
            else throw new DataException("row " + row + ": element " + (i + 1) + " of " + labels[0] + " is a "
                        + boxed[i].getClass().getSimpleName() + "; model " + model.describe() + " needs a number in every position");
            if (!encoding.encodeNumber(i, value, out, offset)) {
                throw new DataException("row " + row + ": element " + (i + 1) + " of " + labels[0] + " is NULL; model "
                        + model.describe() + " needs a number in every position");
            }
        }
        p.apply(out, offset, out, offset);
    }

    private float finite(double value, long row, String where) {
        float x = (float) value;
        if (!Float.isFinite(x)) {
            throw new DataException("row " + row + ": " + where + " is " + value + "; model " + model.describe()
                    + " needs finite numbers within the float32 range");
        }
        return x;
    }

    /** Whether the features are one column of bytes, which {@link #readBytes} reads without scaling them. */
    public boolean isBytes() {
        return form == Form.BYTES;
    }

    /**
     * The current row's feature bytes, unscaled, or null when NULL: for a caller that scales many rows
     * at once ({@code model.preprocessing().apply}), in parallel. Only when {@link #isBytes()}.
     *
     * @throws DataException for a wrong width
     */
    public byte[] readBytes(ResultSet rs, long row) throws SQLException {
        if (form != Form.BYTES) throw new IllegalStateException("the features of model " + model.describe() + " are not bytes");
        byte[] bytes = rs.getBytes(columns[0]);
        if (bytes != null) checkWidth(bytes.length, row, "bytes");
        return bytes;
    }

    private void checkWidth(int actual, long row, String what) {
        int expected = model.inputWidth();
        if (actual != expected) {
            throw new DataException("row " + row + ": model " + model.describe() + " expects " + expected
                    + " features, got " + actual + " " + what + " in column " + labels[0]);
        }
    }

    // ---------------------------------------------------------------- choosing columns

    private static List<Column> columns(ResultSetMetaData meta, int count) throws SQLException {
        List<Column> columns = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            columns.add(new Column(i, meta.getColumnLabel(i), meta.getColumnType(i), meta.getColumnTypeName(i)));
        }
        return columns;
    }

    /**
     * The column of each name (case-insensitive, exact case first), or null when a name has no
     * column or names an ARRAY; a named column that is not a number is an error.
     */
    private static List<Column> byName(Model model, List<Column> columns, List<String> names) {
        List<Column> chosen = new ArrayList<>(names.size());
        for (int k = 0; k < names.size(); k++) {
            Column c = named(model, columns, names.get(k));
            if (c == null || c.isArray()) return null;
            if (!c.fits(model.encoding(), k)) {
                throw new DataException("column " + c + " is a feature of model " + model.describe() + " and must be "
                        + describeFeature(model, k) + "; cast it, e.g. CAST(" + c.label() + " AS DOUBLE PRECISION)");
            }
            chosen.add(c);
        }
        return chosen;
    }

    /** "a number", or "a category (text, a boolean or a number)". */
    private static String describeFeature(Model model, int k) {
        FeatureEncoding encoding = model.encoding();
        return encoding != null && encoding.column(k).kind() == FeatureEncoding.Kind.CATEGORY
                ? "a category (text, a boolean or a number)" : "a number";
    }

    /** Whether the model's features are plain columns, matched by name. */
    private static boolean plainColumns(Model model) {
        return model.encoding() != null || model.featureNames().size() == model.inputWidth();
    }

    /** Whether one numeric ARRAY can hold the model's features: not when some are categories. */
    private static boolean takesArray(Model model) {
        return model.encoding() == null || !model.encoding().hasCategories();
    }

    /** The column labelled {@code name}: exactly, else ignoring case; null if none. */
    private static Column named(Model model, List<Column> columns, String name) {
        Column found = null;
        for (Column c : columns) {
            if (c.label().equals(name)) return c;
            if (c.label().toUpperCase(Locale.ROOT).equals(name.toUpperCase(Locale.ROOT))) {
                if (found != null) {
                    throw new DataException("the query has two columns named like feature " + name + " of model "
                            + model.describe() + ": " + found.label() + " and " + c.label() + "; rename one with AS");
                }
                found = c;
            }
        }
        return found;
    }

    /** The only candidate, or the one named {@code preferred}; null if there is none. */
    private static Column pickOne(Model model, List<Column> candidates, String preferred, String kind) {
        if (candidates.size() <= 1) return candidates.isEmpty() ? null : candidates.get(0);
        Column named = preferred == null ? null : named(model, candidates, preferred);
        if (named != null) return named;
        throw new DataException("the query has " + candidates.size() + " " + kind + " columns (" + String.join(", ",
                labels(candidates)) + ") and model " + model.describe() + " takes one" + (preferred == null ? ""
                : ", named " + preferred + " in training") + "; select only the feature column, or name it "
                + (preferred == null ? "as in training" : preferred) + " with AS");
    }

    private static List<String> missingNames(List<Column> columns, List<String> names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (columns.stream().noneMatch(c -> c.label().equalsIgnoreCase(name))) missing.add(name);
        }
        return missing;
    }

    private static List<String> labels(List<Column> columns) {
        return columns.stream().map(Column::toString).toList();
    }

    private static DataException missing(Model model, List<Column> columns, String how) {
        return new DataException("model " + model.describe() + " takes its " + model.inputWidth()
                + " features " + how + "; the query's columns are " + String.join(", ", labels(columns)));
    }

    private static DataException wrongKind(Model model, List<Column> features) {
        Model m = model;
        String trained = m.preprocessing().kind() == FeatureKind.BYTES
                ? "one VARBINARY column of " + m.inputWidth() + " bytes"
                : m.inputWidth() + " numbers (plain numeric columns or one numeric ARRAY)";
        return new DataException("model " + model.describe() + " was trained on " + trained
                + "; the query's features are " + String.join(", ", labels(features)));
    }
}

package dev.sqlnn.sql;

import dev.sqlnn.data.CategoryText;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.model.FeatureRow;
import dev.sqlnn.model.Model;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

import java.util.List;

/**
 * Turns {@code PREDICT}'s feature arguments, as H2 passes them (VARBINARY bytes, an ARRAY, or the
 * values of the training columns one by one), into the {@link FeatureRow} the model encodes, scales
 * and checks itself: nothing is copied or boxed per call.
 */
final class FeatureReader {

    private FeatureReader() {
    }

    /** Whether the argument is SQL NULL (the prediction is then NULL too). */
    static boolean isNull(Value features) {
        return features == null || features == ValueNull.INSTANCE;
    }

    /**
     * The argument as a row of features, or an error naming what H2 passed and what a model takes.
     * A model trained on plain columns takes a single one's value as it is; other models take
     * VARBINARY bytes or an ARRAY.
     */
    static FeatureRow row(Value features, Model model) {
        int type = features.getValueType();
        if (type == Value.VARBINARY || type == Value.BINARY || type == Value.BLOB) {
            return FeatureRow.ofBytes(features.getBytesNoCopy());
        }
        if (type == Value.ARRAY) return new ValuesRow(((ValueArray) features).getList());
        List<String> columns = model.featureNames();
        if (model.encoding() != null && columns.size() == 1) return new ValuesRow(new Value[] {features});
        throw new IllegalArgumentException("features must be a VARBINARY or a numeric ARRAY"
                + (model.encoding() != null ? ", or the values of the model's feature columns one by one" : "")
                + "; got " + features.getType().getTraceSQL()
                + (model.featureKind() == FeatureKind.BYTES ? "" : model.encoding() != null
                ? ". Pass them as PREDICT('" + model.name() + "', " + String.join(", ", columns) + ")"
                : ". Pass numeric columns as ARRAY[col1, col2, ...]"));
    }

    /** The values of a model's feature columns, in training order, passed one by one. */
    static FeatureRow row(Value first, Value second, Value[] more) {
        Value[] values = new Value[2 + more.length];
        values[0] = first;
        values[1] = second;
        System.arraycopy(more, 0, values, 2, more.length);
        return new ValuesRow(values);
    }

    /** SQL values read in place: an ARRAY's elements, or arguments. */
    private record ValuesRow(Value[] elements) implements FeatureRow {

        @Override
        public int size() {
            return elements.length;
        }

        @Override
        public boolean isNull(int i) {
            return elements[i] == ValueNull.INSTANCE;
        }

        @Override
        public float number(int i) {
            return elements[i].getFloat();
        }

        @Override
        public String text(int i) {
            Value v = elements[i];
            return switch (v.getValueType()) {
                case Value.BOOLEAN -> Boolean.toString(v.getBoolean());
                case Value.TINYINT, Value.SMALLINT, Value.INTEGER, Value.BIGINT, Value.NUMERIC, Value.REAL, Value.DOUBLE,
                     Value.DECFLOAT -> CategoryText.ofNumber(v.getDouble());
                case Value.CHAR -> CategoryText.withoutPadding(v.getString());
                default -> v.getString();
            };
        }
    }
}

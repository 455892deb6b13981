package dev.sqlnn.sql;

import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.model.FeatureRow;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * Turns a {@code PREDICT} feature argument, as H2 passes it (VARBINARY bytes or an ARRAY), into the
 * {@link FeatureRow} the model scales and checks itself: nothing is copied or boxed per call.
 */
final class FeatureReader {

    private FeatureReader() {
    }

    /** Whether the argument is SQL NULL (the prediction is then NULL too). */
    static boolean isNull(Value features) {
        return features == null || features == ValueNull.INSTANCE;
    }

    /** The argument as a row of features, or an error naming what H2 passed and what a model takes. */
    static FeatureRow row(Value features, FeatureKind trainedOn) {
        int type = features.getValueType();
        if (type == Value.VARBINARY || type == Value.BINARY || type == Value.BLOB) {
            return FeatureRow.ofBytes(features.getBytesNoCopy());
        }
        if (type == Value.ARRAY) return new ArrayRow(((ValueArray) features).getList());
        throw new IllegalArgumentException("features must be a VARBINARY or a numeric ARRAY; got "
                + features.getType().getTraceSQL()
                + (trainedOn == FeatureKind.BYTES ? "" : ". Pass numeric columns as ARRAY[col1, col2, ...]"));
    }

    /** The elements of an SQL ARRAY, read in place. */
    private record ArrayRow(Value[] elements) implements FeatureRow {

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
    }
}

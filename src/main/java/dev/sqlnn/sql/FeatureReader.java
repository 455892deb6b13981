package dev.sqlnn.sql;

import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.model.LoadedModel;
import org.h2.value.Value;
import org.h2.value.ValueArray;
import org.h2.value.ValueNull;

/**
 * Turns a {@code PREDICT} feature argument (VARBINARY bytes or a numeric ARRAY, as H2 passes them)
 * into the model's scaled input row, written straight into the predictor's per-thread buffer:
 * no boxing and no allocation per call.
 */
final class FeatureReader {

    private FeatureReader() {
    }

    /** Whether the argument is SQL NULL (the prediction is then NULL too). */
    static boolean isNull(Value features) {
        return features == null || features == ValueNull.INSTANCE;
    }

    /** Scales the features into {@code out} (the model's input width), or throws a message naming the model. */
    static void read(String function, LoadedModel model, Value features, float[] out) {
        Preprocessing p = model.model().preprocessing();
        int width = p.width();
        int type = features.getValueType();
        if (type == Value.VARBINARY || type == Value.BINARY || type == Value.BLOB) {
            byte[] bytes = features.getBytesNoCopy();
            if (p.kind() != FeatureKind.BYTES) {
                throw new IllegalArgumentException("model " + model.describe() + " was trained on numeric features; pass "
                        + width + " numbers as an ARRAY, e.g. ARRAY[x1, x2, ...], not " + bytes.length + " bytes");
            }
            checkWidth(model, width, bytes.length, "bytes");
            p.apply(bytes, 0, out, 0);
            return;
        }
        if (type == Value.ARRAY) {
            Value[] elements = ((ValueArray) features).getList();
            checkWidth(model, width, elements.length, "array elements");
            float[] shift = p.shift();
            float[] factor = p.factor();
            for (int i = 0; i < width; i++) {
                Value e = elements[i];
                if (e == ValueNull.INSTANCE) {
                    throw new IllegalArgumentException("feature " + (i + 1) + " of " + width
                            + " is NULL; model " + model.describe() + " needs a number in every position");
                }
                float x = e.getFloat();
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("feature " + (i + 1) + " is " + x
                            + "; model " + model.describe() + " needs finite numbers");
                }
                out[i] = (x - shift[i]) * factor[i];
            }
            return;
        }
        throw new IllegalArgumentException("features must be a VARBINARY or a numeric ARRAY; got "
                + features.getType().getTraceSQL()
                + (p.kind() == FeatureKind.BYTES ? "" : ". Pass numeric columns as ARRAY[col1, col2, ...]"));
    }

    private static void checkWidth(LoadedModel model, int expected, int actual, String what) {
        if (expected != actual) {
            throw new IllegalArgumentException("model " + model.describe() + " expects " + expected
                    + " features, got " + actual + " " + what);
        }
    }
}

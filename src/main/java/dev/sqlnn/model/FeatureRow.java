package dev.sqlnn.model;

/**
 * One row's features as a front door received them, before scaling: the bytes of an image, numbers
 * read by position from an SQL array, or the values of a model's feature columns in their order
 * (numbers or categories). The {@link Model} checks, encodes and scales them.
 */
public interface FeatureRow {

    /** The bytes of a VARBINARY feature; null when the features are numbers. */
    default byte[] bytes() {
        return null;
    }

    /** How many numbers the row holds. */
    int size();

    /** Whether number {@code i} is NULL. */
    boolean isNull(int i);

    /** Number {@code i} (from 0), as float32. */
    float number(int i);

    /** Value {@code i} as the text of a category ({@link dev.sqlnn.data.CategoryText}); not NULL. */
    default String text(int i) {
        return dev.sqlnn.data.CategoryText.ofNumber(number(i));
    }

    /** A row of unsigned bytes. */
    static FeatureRow ofBytes(byte[] bytes) {
        return new FeatureRow() {
            @Override
            public byte[] bytes() {
                return bytes;
            }

            @Override
            public int size() {
                return bytes.length;
            }

            @Override
            public boolean isNull(int i) {
                return false;
            }

            @Override
            public float number(int i) {
                return bytes[i] & 0xFF;
            }
        };
    }

    /**
     * A row of numbers as a database hands over an array: {@code nullAt} is the 1-based position of
     * its first NULL, which the array itself cannot hold, or 0 when there is none.
     */
    static FeatureRow ofNumbers(double[] values, int nullAt) {
        return new FeatureRow() {
            @Override
            public int size() {
                return values.length;
            }

            @Override
            public boolean isNull(int i) {
                return i == nullAt - 1;
            }

            @Override
            public float number(int i) {
                return (float) values[i];
            }

            @Override
            public String text(int i) {
                return dev.sqlnn.data.CategoryText.ofNumber(values[i]); // the double, as training read it
            }
        };
    }
}

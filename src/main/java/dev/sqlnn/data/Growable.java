package dev.sqlnn.data;

import java.util.Arrays;

/**
 * Append-only primitive arrays for reading result sets of unknown length: no boxed value per row, so
 * 10,000 images cost about 10,000 × 784 bytes and not ten times that.
 */
final class Growable {

    /** The largest array the JVM reliably allocates. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private static final int INITIAL_CAPACITY = 1024;

    private Growable() {
    }

    /** Capacity for at least {@code needed} values: ×1.5 keeps the copying linear and the slack small. */
    static int grow(int capacity, long needed) {
        if (needed > MAX_LENGTH) {
            throw new DataException("the training data holds more than " + MAX_LENGTH
                    + " values, the most one Java array can keep; train on fewer rows (e.g. with LIMIT or a WHERE on a sample)");
        }
        long grown = Math.max(INITIAL_CAPACITY, capacity + (capacity >> 1));
        return (int) Math.min(MAX_LENGTH, Math.max(grown, needed));
    }

    static final class Bytes {
        private byte[] values = new byte[0];
        private int size;

        void addAll(byte[] source) {
            if (size + (long) source.length > values.length) {
                values = Arrays.copyOf(values, grow(values.length, size + (long) source.length));
            }
            System.arraycopy(source, 0, values, size, source.length);
            size += source.length;
        }

        /** The values, trimmed to their exact length (no copy when they already fill the array). */
        byte[] toArray() {
            return values.length == size ? values : Arrays.copyOf(values, size);
        }
    }

    static final class Floats {
        private float[] values = new float[0];
        private int size;

        void add(float value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grow(values.length, size + 1L));
            }
            values[size++] = value;
        }

        float[] toArray() {
            return values.length == size ? values : Arrays.copyOf(values, size);
        }
    }

    static final class Longs {
        private long[] values = new long[0];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grow(values.length, size + 1L));
            }
            values[size++] = value;
        }

        long[] toArray() {
            return values.length == size ? values : Arrays.copyOf(values, size);
        }
    }

    static final class Ints {
        private int[] values = new int[0];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, grow(values.length, size + 1L));
            }
            values[size++] = value;
        }

        int[] toArray() {
            return values.length == size ? values : Arrays.copyOf(values, size);
        }
    }
}

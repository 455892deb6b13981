package dev.sqlnn.data;

import java.util.Arrays;

/**
 * Append-only primitive arrays for reading result sets of unknown length: no boxed value per row, so
 * 10,000 images cost about 10,000 × 784 bytes and not ten times that. Every growth is charged to a
 * {@link HeapBudget} shared by one read's arrays, so that rows that would not fit the heap stop the
 * read with a clear error instead of an {@link OutOfMemoryError} in the database's JVM.
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
        private final HeapBudget budget;
        private byte[] values = new byte[0];
        private int size;

        Bytes(HeapBudget budget) {
            this.budget = budget;
        }

        void addAll(byte[] source) {
            if (size + (long) source.length > values.length) {
                int capacity = grow(values.length, size + (long) source.length);
                budget.charge(values.length, capacity);
                values = Arrays.copyOf(values, capacity);
            }
            System.arraycopy(source, 0, values, size, source.length);
            size += source.length;
        }

        /** The values, trimmed to their exact length (no copy when they already fill the array). */
        byte[] toArray() {
            if (values.length == size) return values;
            budget.charge(values.length, size);
            return Arrays.copyOf(values, size);
        }
    }

    static final class Floats {
        private final HeapBudget budget;
        private float[] values = new float[0];
        private int size;

        Floats(HeapBudget budget) {
            this.budget = budget;
        }

        void add(float value) {
            if (size == values.length) {
                int capacity = grow(values.length, size + 1L);
                budget.charge((long) values.length * 4, (long) capacity * 4);
                values = Arrays.copyOf(values, capacity);
            }
            values[size++] = value;
        }

        float[] toArray() {
            if (values.length == size) return values;
            budget.charge((long) values.length * 4, (long) size * 4);
            return Arrays.copyOf(values, size);
        }
    }

    static final class Longs {
        private final HeapBudget budget;
        private long[] values = new long[0];
        private int size;

        Longs(HeapBudget budget) {
            this.budget = budget;
        }

        void add(long value) {
            if (size == values.length) {
                int capacity = grow(values.length, size + 1L);
                budget.charge((long) values.length * 8, (long) capacity * 8);
                values = Arrays.copyOf(values, capacity);
            }
            values[size++] = value;
        }

        long[] toArray() {
            if (values.length == size) return values;
            budget.charge((long) values.length * 8, (long) size * 8);
            return Arrays.copyOf(values, size);
        }
    }

    static final class Ints {
        private final HeapBudget budget;
        private int[] values = new int[0];
        private int size;

        Ints(HeapBudget budget) {
            this.budget = budget;
        }

        void add(int value) {
            if (size == values.length) {
                int capacity = grow(values.length, size + 1L);
                budget.charge((long) values.length * 4, (long) capacity * 4);
                values = Arrays.copyOf(values, capacity);
            }
            values[size++] = value;
        }

        int[] toArray() {
            if (values.length == size) return values;
            budget.charge((long) values.length * 4, (long) size * 4);
            return Arrays.copyOf(values, size);
        }
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

/**
 * A batch of mostly-zero rows kept as their non-zero values and indices: the pixels of a digit
 * (about 80% zeros), or a layer's units after a ReLU. A layer over such rows needs only the weight
 * rows of the non-zero inputs, about a fifth of the arithmetic of a dense product for digits.
 *
 * <p>Every sum is taken in the order of the non-zero inputs, one fused multiply-add per term, and
 * each element by one thread: results do not depend on the thread count, and a layer's outputs
 * equal {@link Predictor}'s row-at-a-time ones bit for bit.
 */
final class SparseBatch {

    /** A layer's weights are walked in column blocks of about this many floats (512 KB: half an L2). */
    private static final int BLOCK_FLOATS = 1 << 17;
    /** Per thread: a block of weights, packed. */
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);

    private final Kernels kernels;
    private final float[] values;   // row r's non-zero values at [r × width, r × width + counts[r])
    private final int[] indices;    // and their column indices
    private final int[] counts;
    private final boolean[] usedInputs;
    // The same entries by column, for products with the transpose (allocated and built on demand).
    private float[] columnValues = new float[0];
    private int[] columnRows = new int[0];
    private int[] columnStarts = new int[0];
    private int[] columnNext = new int[0];
    private int rows;
    private int width;

    SparseBatch(Kernels kernels, int maxRows, int maxWidth) {
        this.kernels = kernels;
        this.values = new float[Math.multiplyExact(maxRows, maxWidth)];
        this.indices = new int[values.length];
        this.counts = new int[maxRows];
        this.usedInputs = new boolean[maxWidth];
    }

    /** Whether layer {@code l}'s inputs may be mostly zeros: the network's inputs, or units after a ReLU (never after tanh or sigmoid). */
    static boolean mayBeSparse(Network network, int l) {
        return l == 0 || network.activation(l - 1) == Activation.RELU;
    }

    /**
     * Gathers the non-zero values of {@code rows × width} row-major {@code input}, split across the
     * threads by rows, when they are few enough (under a third) for the sparse products to beat a
     * dense one, and returns whether they were. They are counted first, so that a layer whose
     * inputs turn out dense (the units after a ReLU, often) costs a count rather than a copy.
     */
    boolean gather(float[] input, int rows, int width, MatMul matMul) {
        this.rows = rows;
        this.width = width;
        matMul.forEachRow(rows, (from, to) -> {
            for (int r = from; r < to; r++) counts[r] = kernels.countNonZeros(input, r * width, width);
        });
        long total = 0;
        for (int r = 0; r < rows; r++) total += counts[r];
        if (total * 3 >= (long) rows * width) return false;
        matMul.forEachRow(rows, (from, to) -> {
            for (int r = from; r < to; r++) kernels.gatherNonZeros(input, r * width, width, values, indices, r * width);
        });
        return true;
    }

    /**
     * {@code out = activation(rows · w + bias)}, {@code w} being {@code width × outWidth} input-major.
     * Each thread takes a range of output columns and walks it in blocks whose slice of the weights
     * stays in the core's L2 cache while every row is summed into it: the weights are read from
     * memory once per batch rather than once per row.
     */
    void times(float[] w, float[] bias, int outWidth, Activation activation, float[] out, float[] preActivations,
               MatMul matMul) {
        boolean wholeRows = activation == Activation.SOFTMAX; // the others apply column by column
        int block = Math.max(MatMul.COLUMN_ALIGN, BLOCK_FLOATS / width / MatMul.COLUMN_ALIGN * MatMul.COLUMN_ALIGN);
        // Only the weight rows of inputs that some row uses are read: pack those alone.
        boolean[] used = usedInputs;
        java.util.Arrays.fill(used, 0, width, false);
        for (int r = 0; r < rows; r++) {
            for (int t = r * width, end = t + counts[r]; t < end; t++) used[indices[t]] = true;
        }
        matMul.forEachColumnRange(outWidth, (c0, c1) -> {
            float[] packed = PACKED.get();
            if (packed.length < width * block) PACKED.set(packed = new float[width * block]);
            for (int jb = c0; jb < c1; jb += block) {
                int n = Math.min(block, c1 - jb);
                // The block's rows lie a power of two apart in w (4 KB for 1024 columns), where they
                // would compete for a few of L2's sets; packed one after the other, they all fit.
                for (int i = 0; i < width; i++) {
                    if (used[i]) System.arraycopy(w, i * outWidth + jb, packed, i * n, n);
                }
                for (int r = 0; r < rows; r++) {
                    int base = r * width;
                    int at = r * outWidth + jb;
                    System.arraycopy(bias, jb, out, at, n);
                    kernels.sparseRowTimesMatrix(values, indices, base, base + counts[r], packed, 0, n, out, at, n);
                    if (!wholeRows) Activations.activate(activation, out, at, n, kernels, preActivations);
                }
            }
        });
        if (wholeRows) {
            for (int r = 0; r < rows; r++) Activations.activate(activation, out, r * outWidth, outWidth, kernels, null);
        }
    }

    /**
     * {@code grad = rowsᵀ · delta} ({@code width × outWidth}), {@code delta} being {@code rows × outWidth}
     * row-major: a layer's weight gradient. Row {@code i} of the result sums the rows of {@code delta}
     * whose input {@code i} is non-zero; the rows of inputs that are zero throughout are zero.
     */
    void transposeTimes(float[] delta, int outWidth, float[] grad, MatMul matMul) {
        byColumns();
        matMul.forEachRow(width, (from, to) -> {
            for (int i = from; i < to; i++) {
                int at = i * outWidth;
                java.util.Arrays.fill(grad, at, at + outWidth, 0f);
                int start = columnStarts[i];
                int end = columnStarts[i + 1];
                if (end > start) {
                    kernels.sparseRowTimesMatrix(columnValues, columnRows, start, end, delta, 0, outWidth, grad, at, outWidth);
                }
            }
        });
    }

    /** Sorts the entries by column (a counting sort, rows ascending within a column). */
    private void byColumns() {
        if (columnStarts.length < width + 1) {
            columnStarts = new int[width + 1];
            columnNext = new int[width];
        }
        if (columnValues.length < values.length) {
            columnValues = new float[values.length];
            columnRows = new int[values.length];
        }
        java.util.Arrays.fill(columnStarts, 0, width + 1, 0);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int t = base; t < base + counts[r]; t++) columnStarts[indices[t] + 1]++;
        }
        for (int i = 0; i < width; i++) columnStarts[i + 1] += columnStarts[i];
        int[] next = columnNext;
        System.arraycopy(columnStarts, 0, next, 0, width);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int t = base; t < base + counts[r]; t++) {
                int slot = next[indices[t]]++;
                columnValues[slot] = values[t];
                columnRows[slot] = r;
            }
        }
    }
}

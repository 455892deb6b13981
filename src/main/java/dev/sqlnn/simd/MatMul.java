package dev.sqlnn.simd;

/**
 * Matrix products split across cores by column blocks of C, on the threads of a {@link WorkerPool}.
 *
 * <p>Every element of C is summed by one thread in the same order whatever the thread count, so
 * the result is bit-identical for 1 or n threads, and so whatever share of the pool a product gets
 * while other statements compute. An instance holds no state of its own: any thread may use it.
 */
public final class MatMul {

    /** Column blocks are multiples of this, so that threads split on micro-tile boundaries. */
    public static final int COLUMN_ALIGN = 64;
    /** Below this many multiply-adds a product runs on the calling thread: handing off costs more. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;
    /** Below this many elements, element-wise work runs on the calling thread. */
    private static final int PARALLEL_ELEMENTS = 1 << 16;

    private final Kernels kernels;
    private final int threads;
    private final WorkerPool pool;

    /** Products on {@code kernels} that use at most {@code threads} of {@code pool}'s threads. */
    public MatMul(Kernels kernels, int threads, WorkerPool pool) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1; got " + threads);
        }
        this.kernels = kernels;
        this.threads = Math.min(threads, pool.threads());
        this.pool = pool;
    }

    public Kernels kernels() {
        return kernels;
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body}, a sequence of this MatMul's steps, holding its threads throughout rather
     * than asking the shared pool for them at every step (see {@link WorkerPool#run}).
     */
    public void session(Runnable body) {
        pool.run(threads, body);
    }

    /** {@code C (+)= op(A) · op(B)} over all n columns; see {@link Kernels#gemm}. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, null);
    }

    /** {@link #gemm(boolean, boolean, int, int, int, float[], int, float[], int, float[], int, boolean)}, each piece of C finished by {@code epilogue}. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate, Epilogue epilogue) {
        int blocks = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN;
        int parts = Math.min(threads, blocks);
        if (parts <= 1 || (long) m * n * k < PARALLEL_THRESHOLD) {
            kernels.gemm(transA, transB, m, 0, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue);
            return;
        }
        pool.invoke(parts, (t, got) -> kernels.gemm(transA, transB, m, columnStart(t, got, blocks, n),
                columnStart(t + 1, got, blocks, n), k, a, lda, b, ldb, c, ldc, accumulate, epilogue));
    }

    /** A piece of element-wise work over the index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into one contiguous range per thread (multiples of
     * 64, so vector loops keep whole vectors). For element-wise work only: each index is touched by
     * one thread, so results do not depend on the thread count.
     */
    public void forEachRange(int n, RangeTask task) {
        if (n < PARALLEL_ELEMENTS) {
            task.run(0, n);
            return;
        }
        forEachColumnRange(n, task);
    }

    /**
     * Runs {@code task} over columns {@code [0, n)}, split into one contiguous range per thread at
     * multiples of {@link #COLUMN_ALIGN}, for work heavy enough per column (a column of a layer for
     * a whole batch) to be worth the hand-off.
     */
    public void forEachColumnRange(int n, RangeTask task) {
        int blocks = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN;
        int parts = Math.min(threads, blocks);
        if (parts <= 1) {
            task.run(0, n);
            return;
        }
        pool.invoke(parts, (t, got) -> task.run(columnStart(t, got, blocks, n), columnStart(t + 1, got, blocks, n)));
    }

    /**
     * Runs {@code task} over rows {@code [0, rows)}, split into one contiguous range per thread, for
     * work heavy enough per row (a row of a network layer) to be worth the hand-off.
     */
    public void forEachRow(int rows, RangeTask task) {
        int parts = Math.min(threads, rows);
        if (parts <= 1) {
            task.run(0, rows);
            return;
        }
        pool.invoke(parts, (t, got) -> task.run((int) ((long) rows * t / got), (int) ((long) rows * (t + 1) / got)));
    }

    /**
     * Runs element-wise {@code task} over rows {@code [0, rows)} of {@code width} elements, split
     * across the threads by rows when there are enough elements to be worth the hand-off: for work
     * that needs whole rows, such as a softmax.
     */
    public void forEachRow(int rows, int width, RangeTask task) {
        if ((long) rows * width < PARALLEL_ELEMENTS) {
            task.run(0, rows);
            return;
        }
        forEachRow(rows, task);
    }

    private static int columnStart(int part, int parts, int blocks, int n) {
        return Math.min(n, (int) ((long) blocks * part / parts) * COLUMN_ALIGN);
    }
}

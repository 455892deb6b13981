package dev.sqlnn.simd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Matrix products split across cores by column blocks of C.
 *
 * <p>Every element of C is summed by one thread in the same order whatever the thread count, so
 * the result is bit-identical for 1 or n threads. Worker threads are created once per instance
 * and reused, so no thread starts per product; call {@link #close()} when done.
 */
public final class MatMul implements AutoCloseable {

    /** Column blocks are multiples of this, so that threads split on micro-tile boundaries. */
    public static final int COLUMN_ALIGN = 64;
    /** Below this many multiply-adds a product runs on the calling thread: handing off costs more. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;
    /** Below this many elements, element-wise work runs on the calling thread. */
    private static final int PARALLEL_ELEMENTS = 1 << 16;

    private final Kernels kernels;
    private final int threads;
    private final ExecutorService workers;

    public MatMul(Kernels kernels, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1; got " + threads);
        }
        this.kernels = kernels;
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, daemonThreads());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "sqlnn-matmul-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public Kernels kernels() {
        return kernels;
    }

    public int threads() {
        return threads;
    }

    /** {@code C (+)= op(A) · op(B)} over all n columns; see {@link Kernels#gemm}. */
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        int blocks = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN;
        int parts = Math.min(threads, blocks);
        if (parts <= 1 || (long) m * n * k < PARALLEL_THRESHOLD) {
            kernels.gemm(transA, transB, m, 0, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] pending = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int n0 = columnStart(t, parts, blocks, n);
            int n1 = columnStart(t + 1, parts, blocks, n);
            pending[t - 1] = workers.submit(() ->
                    kernels.gemm(transA, transB, m, n0, n1, k, a, lda, b, ldb, c, ldc, accumulate));
        }
        kernels.gemm(transA, transB, m, 0, columnStart(1, parts, blocks, n), k, a, lda, b, ldb, c, ldc, accumulate);
        for (Future<?> f : pending) {
            await(f);
        }
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
        Future<?>[] pending = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = columnStart(t, parts, blocks, n);
            int to = columnStart(t + 1, parts, blocks, n);
            pending[t - 1] = workers.submit(() -> task.run(from, to));
        }
        task.run(0, columnStart(1, parts, blocks, n));
        for (Future<?> f : pending) {
            await(f);
        }
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
        Future<?>[] pending = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) rows * t / parts);
            int to = (int) ((long) rows * (t + 1) / parts);
            pending[t - 1] = workers.submit(() -> task.run(from, to));
        }
        task.run(0, rows / parts);
        for (Future<?> f : pending) {
            await(f);
        }
    }

    private static int columnStart(int part, int parts, int blocks, int n) {
        return Math.min(n, (int) ((long) blocks * part / parts) * COLUMN_ALIGN);
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a matrix product", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        if (workers != null) workers.shutdownNow();
    }
}

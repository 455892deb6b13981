package dev.sqlnn.model;

import dev.sqlnn.nn.Examples;
import dev.sqlnn.nn.Predictor;
import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.MatMul;

/**
 * Scores many rows at once with matrix-matrix products: the caller fills {@link #inputs()} with up
 * to {@link #capacity()} scaled rows, and {@link #score} runs them through the network. Buffers are
 * allocated once, so a scorer is reused batch after batch; one scorer serves one thread.
 */
public final class BatchScorer {

    /** Rows per product: large enough to keep the kernel busy, small enough to stay in cache. */
    public static final int BATCH = 256;

    private final Predictor predictor;
    private final MatMul matMul;
    private final int capacity;
    private final int inputWidth;
    private final int outputWidth;
    private final float[] inputs;
    private final float[] outputs;
    private final Predictor.BatchBuffers buffers;

    /** A scorer for batches of up to {@code capacity} rows, whose products run on {@code matMul}'s threads. */
    public BatchScorer(Model model, int capacity, MatMul matMul) {
        if (capacity < 1) throw new IllegalArgumentException("a batch holds at least one row; got " + capacity);
        this.predictor = new Predictor(model.network(), KernelProvider.kernels());
        this.matMul = matMul;
        this.capacity = capacity;
        this.inputWidth = model.inputWidth();
        this.outputWidth = model.network().outputWidth();
        this.inputs = new float[Math.multiplyExact(capacity, inputWidth)];
        this.outputs = new float[Math.multiplyExact(capacity, outputWidth)];
        this.buffers = predictor.batchBuffers(capacity);
    }

    /** The rows a batch holds at most. */
    public int capacity() {
        return capacity;
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return outputWidth;
    }

    /** The input batch, {@code capacity × inputWidth} row-major: fill the first rows, scaled, before {@link #score}. */
    public float[] inputs() {
        return inputs;
    }

    /**
     * Runs the first {@code rows} rows of {@link #inputs()} through the network and returns their
     * outputs, {@code rows × outputWidth} row-major at the start of a buffer that the next call overwrites.
     */
    public float[] score(int rows) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("a batch of " + capacity + " rows cannot score " + rows);
        }
        if (rows > 0) predictor.forwardBatch(inputs, rows, outputs, matMul, buffers);
        return outputs;
    }

    /** The network's outputs for the given rows of {@code examples}, {@code rows.length × outputWidth}. */
    public static float[] score(Model model, Examples examples, int[] rows, MatMul matMul) {
        BatchScorer scorer = new BatchScorer(model, Math.min(BATCH, Math.max(1, rows.length)), matMul);
        int width = scorer.outputWidth;
        float[] all = new float[Math.multiplyExact(rows.length, width)];
        for (int from = 0; from < rows.length; from += scorer.capacity) {
            int n = Math.min(scorer.capacity, rows.length - from);
            examples.inputs(rows, from, n, scorer.inputs, -1);
            System.arraycopy(scorer.score(n), 0, all, from * width, n * width);
        }
        return all;
    }
}

package dev.sqlnn.model;

import dev.sqlnn.nn.Examples;
import dev.sqlnn.nn.Predictor;

/**
 * Scores many rows of one {@link Model} at once with matrix-matrix products: the caller fills
 * {@link #inputs()} with up to {@link #capacity()} scaled rows, and {@link #score} runs them through
 * the network; the model then reads each row's class, probability or value. Buffers are allocated
 * once, so a scorer is reused batch after batch; one scorer serves one thread.
 */
public final class BatchScorer {

    /** Rows per product: large enough to keep the kernel busy, small enough to stay in cache. */
    public static final int BATCH = 256;

    private final Model model;
    private final Predictor.Batch batch;
    private final int capacity;
    private final float[] inputs;
    private final float[] outputs;
    private int scored;

    BatchScorer(Model model, Predictor predictor, int capacity, int threads) {
        if (capacity < 1) throw new IllegalArgumentException("a batch holds at least one row; got " + capacity);
        this.model = model;
        this.batch = predictor.batch(capacity, threads);
        this.capacity = capacity;
        this.inputs = new float[Math.multiplyExact(capacity, model.inputWidth())];
        this.outputs = new float[Math.multiplyExact(capacity, model.outputWidth())];
    }

    /** The rows a batch holds at most. */
    public int capacity() {
        return capacity;
    }

    /** The input batch, {@code capacity × inputWidth} row-major: fill the first rows, scaled, before {@link #score}. */
    public float[] inputs() {
        return inputs;
    }

    /** Runs work split by rows over this scorer's threads, e.g. the scaling of a batch's inputs. */
    void forEachRow(int rows, int width, Predictor.RowRange task) {
        batch.forEachRow(rows, width, task);
    }

    /**
     * Runs the first {@code rows} rows of {@link #inputs()} through the network and returns their
     * outputs, {@code rows × outputWidth} row-major at the start of a buffer that the next call overwrites.
     */
    public float[] score(int rows) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("a batch of " + capacity + " rows cannot score " + rows);
        }
        if (rows > 0) batch.forward(inputs, rows, outputs);
        scored = rows;
        return outputs;
    }

    /** The class predicted for row {@code i} of the batch scored last: an index into the model's classes. */
    public int classIndex(int i) {
        return model.predictedClass(outputs, check(i) * model.outputWidth());
    }

    /** The probability of the predicted class of row {@code i}. */
    public float probability(int i) {
        return outputs[check(i) * model.outputWidth() + classIndex(i)];
    }

    /** The value a regression predicts for row {@code i}, in the label's units. */
    public double value(int i) {
        return model.value(outputs[check(i)]);
    }

    private int check(int i) {
        if (i < 0 || i >= scored) throw new IndexOutOfBoundsException("row " + i + " of a batch of " + scored);
        return i;
    }

    /** The network's outputs for the given rows of {@code examples}, {@code rows.length × outputWidth}. */
    static float[] score(Model model, Examples examples, int[] rows, int threads) {
        BatchScorer scorer = model.batchScorer(Math.min(BATCH, Math.max(1, rows.length)), threads);
        int width = model.outputWidth();
        float[] all = new float[Math.multiplyExact(rows.length, width)];
        for (int from = 0; from < rows.length; from += scorer.capacity) {
            int n = Math.min(scorer.capacity, rows.length - from);
            examples.inputs(rows, from, n, scorer.inputs, -1);
            System.arraycopy(scorer.score(n), 0, all, from * width, n * width);
        }
        return all;
    }
}

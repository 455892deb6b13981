package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

/**
 * Runs a trained network forward, one row at a time ({@code PREDICT}) or in batches
 * ({@code ML_PREDICT}). Thread-safe: each thread gets its own scratch buffers, allocated once.
 */
public final class Predictor {

    private final Network network;
    private final Kernels kernels;
    private final ThreadLocal<float[][]> scratch;
    /** Per thread: the non-zero inputs of the row being scored, and their indices. */
    private final ThreadLocal<float[]> nonZeroValues;
    private final ThreadLocal<int[]> nonZeroIndices;

    public Predictor(Network network, Kernels kernels) {
        this.network = network;
        this.kernels = kernels;
        this.scratch = ThreadLocal.withInitial(this::newScratch);
        int widest = 0;
        for (int size : network.sizes()) widest = Math.max(widest, size);
        int width = widest;
        this.nonZeroValues = ThreadLocal.withInitial(() -> new float[width]);
        this.nonZeroIndices = ThreadLocal.withInitial(() -> new int[width]);
    }

    private float[][] newScratch() {
        float[][] s = new float[network.layerCount() + 1][];
        for (int l = 0; l <= network.layerCount(); l++) s[l] = new float[network.size(l)];
        return s;
    }

    public Network network() {
        return network;
    }

    /**
     * A per-thread buffer of {@code inputWidth()} floats for the caller to fill with a scaled row
     * before {@link #forwardScratchInput()}; it saves an allocation per call.
     */
    public float[] scratchInput() {
        return scratch.get()[0];
    }

    /**
     * Runs the row in {@link #scratchInput()} through the network and returns the output units
     * (probabilities after softmax) in a per-thread buffer that the next call overwrites.
     */
    public float[] forwardScratchInput() {
        float[][] s = scratch.get();
        for (int l = 0; l < network.layerCount(); l++) {
            layer(l, s[l], s[l + 1]);
        }
        return s[s.length - 1];
    }

    /** A copy of the outputs for one scaled input row. */
    public float[] forward(float[] input) {
        System.arraycopy(input, 0, scratchInput(), 0, network.inputWidth());
        return forwardScratchInput().clone();
    }

    /**
     * One dense layer for one row, as a sum of weight rows scaled by the inputs: the weights are
     * stored input-major, so each input's row is contiguous, and zero inputs (most pixels of a
     * digit, half the units after a ReLU) are skipped outright.
     */
    private void layer(int l, float[] in, float[] out) {
        int inWidth = network.size(l);
        int outWidth = network.size(l + 1);
        float[] w = network.weights(l);
        float[] values = nonZeroValues.get();
        int[] indices = nonZeroIndices.get();
        int count = kernels.gatherNonZeros(in, 0, inWidth, values, indices, 0);
        System.arraycopy(network.biases(l), 0, out, 0, outWidth);
        kernels.sparseRowTimesMatrix(values, indices, 0, count, w, 0, outWidth, out, 0, outWidth);
        Activations.activate(network.activation(l), out, 0, outWidth, kernels, null);
    }

    /**
     * Outputs for {@code rows} scaled input rows ({@code rows × inputWidth}, row-major), written to
     * {@code out} ({@code rows × outputWidth}).
     *
     * <p>A layer whose inputs are mostly zeros (the pixels of a digit: about 80%; the units after a
     * ReLU: often more than half) is computed from the non-zero inputs only, as {@code PREDICT} does,
     * so both agree on it bit for bit; other layers are matrix-matrix products.
     */
    public void forwardBatch(float[] inputs, int rows, float[] out, MatMul matMul, BatchBuffers buffers) {
        float[] current = inputs;
        for (int l = 0; l < network.layerCount(); l++) {
            float[] next = l == network.layerCount() - 1 ? out : buffers.hidden[l];
            LayerForward.run(network, l, current, rows, next, null, SparseBatch.mayBeSparse(network, l) ? buffers.sparse : null, matMul);
            current = next;
        }
    }

    /** The index of the largest of {@code y[off..off+width)}, the first one among equals: the predicted class. */
    public static int argMax(float[] y, int off, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (y[off + j] > y[off + best]) best = j;
        }
        return best;
    }

    /** Work split into row ranges {@code [from, to)}, one per thread. */
    @FunctionalInterface
    public interface RowRange {
        void run(int from, int to);
    }

    /**
     * Batches of up to {@code rows} rows scored on at most {@code threads} of the {@link Engine}'s
     * threads: what a caller outside this package scores batches with.
     */
    public Batch batch(int rows, int threads) {
        return new Batch(batchBuffers(rows), Engine.compute(kernels, threads));
    }

    /** One caller's batches: the buffers of {@link #forwardBatch} and the threads that fill them. */
    public final class Batch {
        private final BatchBuffers buffers;
        private final MatMul matMul;

        private Batch(BatchBuffers buffers, MatMul matMul) {
            this.buffers = buffers;
            this.matMul = matMul;
        }

        /** {@link #forwardBatch} on this batch's buffers and threads, held for all its layers. */
        public void forward(float[] inputs, int rows, float[] out) {
            matMul.session(() -> forwardBatch(inputs, rows, out, matMul, buffers));
        }

        /** Element-wise work over {@code rows} rows of {@code width}, split by rows across the threads when large enough. */
        public void forEachRow(int rows, int width, RowRange task) {
            matMul.forEachRow(rows, width, task::run);
        }
    }

    /** Buffers for {@link #forwardBatch} with up to {@code rows} rows. */
    public BatchBuffers batchBuffers(int rows) {
        return new BatchBuffers(network, kernels, rows);
    }

    /** One caller's scratch space for {@link #forwardBatch}: hidden layers' outputs and a sparse copy of a layer's inputs. */
    public static final class BatchBuffers {
        private final float[][] hidden;
        private final SparseBatch sparse;

        private BatchBuffers(Network network, Kernels kernels, int rows) {
            hidden = new float[Math.max(0, network.layerCount() - 1)][];
            int widestInput = 0;
            for (int l = 0; l < network.layerCount(); l++) {
                if (l < hidden.length) hidden[l] = new float[Math.multiplyExact(rows, network.size(l + 1))];
                widestInput = Math.max(widestInput, network.size(l));
            }
            sparse = new SparseBatch(kernels, rows, widestInput);
        }
    }
}

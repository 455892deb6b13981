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

    public Predictor(Network network, Kernels kernels) {
        this.network = network;
        this.kernels = kernels;
        this.scratch = ThreadLocal.withInitial(this::newScratch);
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
        System.arraycopy(network.biases(l), 0, out, 0, outWidth);
        for (int i = 0; i < inWidth; i++) {
            float x = in[i];
            if (x != 0f) kernels.axpy(x, w, i * outWidth, out, 0, outWidth);
        }
        Activations.activate(network.activation(l), out, 0, outWidth);
    }

    /**
     * Outputs for {@code rows} scaled input rows ({@code rows × inputWidth}, row-major), written to
     * {@code out} ({@code rows × outputWidth}) by matrix-matrix products.
     */
    public void forwardBatch(float[] inputs, int rows, float[] out, MatMul matMul, float[][] buffers) {
        float[] current = inputs;
        for (int l = 0; l < network.layerCount(); l++) {
            int in = network.size(l);
            int width = network.size(l + 1);
            float[] next = l == network.layerCount() - 1 ? out : buffers[l];
            matMul.gemm(false, false, rows, width, in, current, in, network.weights(l), width, next, width, false);
            Activations.addBiasAndActivate(network.activation(l), next, rows, width, network.biases(l));
            current = next;
        }
    }

    /** Buffers for {@link #forwardBatch} with up to {@code rows} rows (hidden layers only). */
    public float[][] batchBuffers(int rows) {
        float[][] b = new float[Math.max(0, network.layerCount() - 1)][];
        for (int l = 0; l < b.length; l++) b[l] = new float[rows * network.size(l + 1)];
        return b;
    }
}

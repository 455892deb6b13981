package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

import java.util.Arrays;

/**
 * The gradient of one output unit with respect to the network's input, for a batch of input rows:
 * what attribution methods such as integrated gradients integrate. The forward pass is
 * {@link LayerForward}'s and the backward pass {@link LayerBackward}'s, the layer maths of training,
 * without the weights' gradients. Every buffer is allocated once, for the largest batch; one
 * instance serves one thread at a time.
 *
 * <p>The output unit is the network's output after its activation: a class's probability after a
 * softmax, a regression's (standardised) value after the identity.
 */
public final class InputGradient {

    private final Network network;
    private final MatMul matMul;
    private final int maxRows;
    /** {@code outputs[l]}: the batch's activations entering layer {@code l}; {@code outputs[0]} is the input. */
    private final float[][] outputs;
    /** {@code deltas[l]}: the gradient with respect to layer {@code l}'s pre-activations. */
    private final float[][] deltas;
    /** {@code preActivations[l]}: layer {@code l - 1}'s inputs to its activation, kept when its derivative needs them (GELU). */
    private final float[][] preActivations;
    private final float[] gradient;
    private final SparseBatch sparse;

    /** Batches of up to {@code maxRows} rows, on at most {@code threads} of the {@link Engine}'s threads. */
    public InputGradient(Network network, int maxRows, int threads) {
        this(network, Engine.kernels(), maxRows, threads);
    }

    InputGradient(Network network, Kernels kernels, int maxRows, int threads) {
        if (maxRows < 1) throw new IllegalArgumentException("a batch holds at least one row; got " + maxRows);
        this.network = network;
        this.matMul = Engine.compute(kernels, threads);
        this.maxRows = maxRows;
        int layers = network.layerCount();
        outputs = new float[layers + 1][];
        deltas = new float[layers][];
        int widest = 0;
        for (int l = 0; l <= layers; l++) {
            outputs[l] = new float[Math.multiplyExact(maxRows, network.size(l))];
            if (l < layers) deltas[l] = new float[Math.multiplyExact(maxRows, network.size(l + 1))];
            widest = Math.max(widest, network.size(l));
        }
        preActivations = new float[layers + 1][];
        for (int l = 0; l < layers; l++) {
            if (network.activation(l).needsInput()) preActivations[l + 1] = new float[outputs[l + 1].length];
        }
        gradient = new float[outputs[0].length];
        sparse = new SparseBatch(kernels, maxRows, widest);
    }

    /** The rows a batch holds at most. */
    public int capacity() {
        return maxRows;
    }

    /** The input batch, {@code capacity × inputWidth} row-major: fill the first rows (scaled) before {@link #compute}. */
    public float[] inputs() {
        return outputs[0];
    }

    /**
     * Runs the first {@code rows} rows of {@link #inputs()} forward, then back from output unit
     * {@code units[r]} of each row {@code r}: afterwards {@link #outputs()} holds every output unit of
     * each row and {@link #gradients()} each row's {@code d output[units[r]] / d input}.
     */
    public void compute(int rows, int[] units) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("a batch of " + maxRows + " rows cannot hold " + rows);
        }
        int width = network.outputWidth();
        for (int r = 0; r < rows; r++) {
            if (units[r] < 0 || units[r] >= width) {
                throw new IllegalArgumentException("output unit " + units[r] + " of a network with " + width + " outputs");
            }
        }
        matMul.session(() -> {
            for (int l = 0; l < network.layerCount(); l++) {
                LayerForward.run(network, l, outputs[l], rows, outputs[l + 1], preActivations[l + 1],
                        SparseBatch.mayBeSparse(network, l) ? sparse : null, matMul);
            }
            int last = network.layerCount() - 1;
            outputGradient(rows, units, deltas[last]);
            for (int l = last; l >= 0; l--) {
                LayerBackward.throughWeights(network, l, deltas[l], rows, l > 0 ? deltas[l - 1] : gradient, matMul);
                if (l > 0) {
                    LayerBackward.throughActivation(network, l - 1, deltas[l - 1], outputs[l], preActivations[l], rows, matMul);
                }
            }
        });
    }

    /** {@code d output[unit] / d z} of the output layer's pre-activations {@code z}, row by row. */
    private void outputGradient(int rows, int[] units, float[] delta) {
        float[] y = outputs[outputs.length - 1];
        int width = network.outputWidth();
        Arrays.fill(delta, 0, rows * width, 0f);
        for (int r = 0; r < rows; r++) delta[r * width + units[r]] = 1f;
        Activation activation = network.outputActivation();
        if (activation != Activation.SOFTMAX) {
            Activations.multiplyByDerivative(activation, delta, y, rows * width);
            return;
        }
        // the softmax Jacobian's row c: d p_c / d z_j = p_c (δ_cj - p_j)
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            float pc = y[off + units[r]];
            for (int j = 0; j < width; j++) delta[off + j] = pc * (delta[off + j] - y[off + j]);
        }
    }

    /** Every output unit of the rows of the last {@link #compute}, {@code rows × outputWidth} row-major. */
    public float[] outputs() {
        return outputs[outputs.length - 1];
    }

    /** Each row's gradient from the last {@link #compute}, {@code rows × inputWidth} row-major. */
    public float[] gradients() {
        return gradient;
    }
}

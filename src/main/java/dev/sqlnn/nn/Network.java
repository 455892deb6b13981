package dev.sqlnn.nn;

import java.util.Arrays;

/**
 * A multilayer perceptron: dense layers with one activation for every hidden layer and one for
 * the output layer. Holds only the parameters; {@link Forward} runs it and {@link Trainer} fits it.
 *
 * <p>Layer {@code l} maps {@code sizes[l]} inputs to {@code sizes[l+1]} outputs. Its weights are
 * row-major {@code sizes[l] × sizes[l+1]} (input-major, so one input's weights to every output are
 * contiguous, which makes both the batched product and sparse single-row scoring fast).
 */
public final class Network {

    private final int[] sizes;
    private final Activation hidden;
    private final Activation output;
    private final float[][] weights;
    private final float[][] biases;

    /** A network with all parameters zero. */
    public Network(int[] sizes, Activation hidden, Activation output) {
        this(sizes, hidden, output, zeros(sizes, true), zeros(sizes, false));
    }

    /** A network with the given parameters (not copied); every size is checked here, once. */
    public Network(int[] sizes, Activation hidden, Activation output, float[][] weights, float[][] biases) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output layer; got "
                    + sizes.length + " layer sizes");
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException("layer " + i + " must have a positive width; got " + sizes[i]);
            }
        }
        if (hidden == Activation.SOFTMAX) {
            throw new IllegalArgumentException("softmax is for the output layer only, not hidden layers");
        }
        int layers = sizes.length - 1;
        if (weights.length != layers || biases.length != layers) {
            throw new IllegalArgumentException("expected parameters for " + layers + " layers; got "
                    + weights.length + " weight and " + biases.length + " bias arrays");
        }
        for (int l = 0; l < layers; l++) {
            long expected = (long) sizes[l] * sizes[l + 1];
            if (weights[l].length != expected || biases[l].length != sizes[l + 1]) {
                throw new IllegalArgumentException("layer " + l + " (" + sizes[l] + "→" + sizes[l + 1]
                        + ") expects " + expected + " weights and " + sizes[l + 1] + " biases; got "
                        + weights[l].length + " and " + biases[l].length);
            }
        }
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.output = output;
        this.weights = weights;
        this.biases = biases;
    }

    private static float[][] zeros(int[] sizes, boolean weights) {
        float[][] p = new float[Math.max(0, sizes.length - 1)][];
        for (int l = 0; l < p.length; l++) {
            p[l] = new float[weights ? Math.multiplyExact(sizes[l], sizes[l + 1]) : sizes[l + 1]];
        }
        return p;
    }

    public int layerCount() {
        return sizes.length - 1;
    }

    public int inputWidth() {
        return sizes[0];
    }

    public int outputWidth() {
        return sizes[sizes.length - 1];
    }

    /** Widths of every layer, input first. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int size(int layer) {
        return sizes[layer];
    }

    public Activation hiddenActivation() {
        return hidden;
    }

    public Activation outputActivation() {
        return output;
    }

    /** The activation applied after layer {@code l}. */
    public Activation activation(int layer) {
        return layer == layerCount() - 1 ? output : hidden;
    }

    /** Layer {@code l}'s weights, {@code sizes[l] × sizes[l+1]} row-major; live, not a copy. */
    public float[] weights(int layer) {
        return weights[layer];
    }

    /** Layer {@code l}'s biases; live, not a copy. */
    public float[] biases(int layer) {
        return biases[layer];
    }

    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < layerCount(); l++) {
            n += weights[l].length + biases[l].length;
        }
        return n;
    }

    /** Layer widths joined by dashes, e.g. {@code 784-1024-512-10}. */
    public String describeLayers() {
        StringBuilder sb = new StringBuilder();
        for (int s : sizes) {
            if (sb.length() > 0) sb.append('-');
            sb.append(s);
        }
        return sb.toString();
    }

    /** A deep copy, e.g. to keep the best epoch's parameters during early stopping. */
    public Network copy() {
        float[][] w = new float[weights.length][];
        float[][] b = new float[biases.length][];
        for (int l = 0; l < w.length; l++) {
            w[l] = weights[l].clone();
            b[l] = biases[l].clone();
        }
        return new Network(sizes, hidden, output, w, b);
    }

    /** Copies every parameter of {@code other}, which must have the same shape, into this network. */
    public void copyParametersFrom(Network other) {
        if (!Arrays.equals(sizes, other.sizes)) {
            throw new IllegalArgumentException("shapes differ: " + describeLayers() + " vs " + other.describeLayers());
        }
        for (int l = 0; l < weights.length; l++) {
            System.arraycopy(other.weights[l], 0, weights[l], 0, weights[l].length);
            System.arraycopy(other.biases[l], 0, biases[l], 0, biases[l].length);
        }
    }
}

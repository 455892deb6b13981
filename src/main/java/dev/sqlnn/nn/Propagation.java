package dev.sqlnn.nn;

import dev.sqlnn.simd.MatMul;

import java.util.SplittableRandom;

/**
 * Forward and backward passes of a network over mini-batches, with every buffer allocated once
 * for the largest batch and reused: nothing is allocated per batch.
 *
 * <p>{@code outputs[l]} holds the batch's activations entering layer {@code l} ({@code outputs[0]}
 * is the scaled input) and {@code deltas[l]} the loss gradient with respect to layer {@code l}'s
 * pre-activations; both are row-major, one row per example.
 *
 * <p>With dropout, a training pass ({@link #forward(int, boolean)}) multiplies each hidden layer's
 * activations by a mask drawn beforehand ({@link #drawDropout}): 0 for a dropped unit, 1/(1−p) for a
 * kept one, so that the next layer's input keeps its expected value and prediction needs no change.
 * The layer's own activations stay in {@code activated}, for the derivative.
 */
final class Propagation {

    private final Network network;
    private final MatMul matMul;
    private final Loss loss;
    /** Per class, how much a row of that class counts in the loss; null: every row counts 1. */
    private final float[] classWeights;
    private final int maxBatch;
    final float[][] outputs;
    private final float[][] deltas;
    final float[][] gradW;
    final float[][] gradB;
    /** Per layer that may have mostly-zero inputs (the first, those after a ReLU), their sparse copy; else null. */
    private final SparseBatch[] sparse;
    /** Whether the last forward pass used {@link #sparse} for each layer, so that the backward pass does too. */
    private final boolean[] usedSparse;
    /** Per layer output {@code l}, its pre-activations when the derivative needs them (GELU); else null. */
    private final float[][] preActivations;
    /** Per hidden layer output {@code l}, the dropout rate, and with one above 0 the mask and the activations before it. */
    private final float[] dropout;
    private final float[][] mask;
    private final float[][] activated;
    /** Whether the last forward pass applied the dropout masks, so that the backward pass does too. */
    private boolean dropped;

    Propagation(Network network, MatMul matMul, Loss loss, int maxBatch) {
        this(network, matMul, loss, null, Regularization.NONE, maxBatch);
    }

    /** @param classWeights one per output unit (class), or null for every row counting 1 */
    Propagation(Network network, MatMul matMul, Loss loss, float[] classWeights, int maxBatch) {
        this(network, matMul, loss, classWeights, Regularization.NONE, maxBatch);
    }

    /**
     * @param classWeights one per output unit (class), or null for every row counting 1
     * @param regularization its dropout rates, one per hidden layer (or none)
     */
    Propagation(Network network, MatMul matMul, Loss loss, float[] classWeights, Regularization regularization,
                int maxBatch) {
        if (classWeights != null && classWeights.length != network.outputWidth()) {
            throw new IllegalArgumentException(classWeights.length + " class weights for a network of "
                    + network.outputWidth() + " outputs; give one weight per class");
        }
        this.network = network;
        this.matMul = matMul;
        this.loss = loss;
        this.classWeights = classWeights;
        this.maxBatch = maxBatch;
        int layers = network.layerCount();
        outputs = new float[layers + 1][];
        deltas = new float[layers][];
        gradW = new float[layers][];
        gradB = new float[layers][];
        outputs[0] = new float[maxBatch * network.size(0)];
        for (int l = 0; l < layers; l++) {
            outputs[l + 1] = new float[maxBatch * network.size(l + 1)];
            deltas[l] = new float[maxBatch * network.size(l + 1)];
            gradW[l] = new float[network.weights(l).length];
            gradB[l] = new float[network.biases(l).length];
        }
        sparse = new SparseBatch[layers];
        usedSparse = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            if (SparseBatch.mayBeSparse(network, l)) sparse[l] = new SparseBatch(matMul.kernels(), maxBatch, network.size(l));
        }
        preActivations = new float[layers + 1][];
        dropout = new float[layers + 1];
        mask = new float[layers + 1][];
        activated = new float[layers + 1][];
        for (int l = 0; l < layers; l++) {
            int units = maxBatch * network.size(l + 1);
            if (network.activation(l).needsInput()) preActivations[l + 1] = new float[units];
            if (l + 1 < layers && regularization.dropout(l) > 0) {
                dropout[l + 1] = regularization.dropout(l);
                mask[l + 1] = new float[units];
                activated[l + 1] = new float[units];
            }
        }
    }

    /**
     * Draws the dropout masks of the next {@code rows}-row training passes from {@code random}: per hidden
     * unit of each row, 0 with the layer's dropout rate, else 1/(1−rate). Nothing to do without dropout.
     */
    void drawDropout(int rows, SplittableRandom random) {
        for (int l = 1; l < mask.length; l++) {
            if (mask[l] == null) continue;
            float[] m = mask[l];
            double rate = dropout[l];
            float keep = (float) (1 / (1 - rate));
            for (int i = 0, n = rows * network.size(l); i < n; i++) m[i] = random.nextDouble() < rate ? 0f : keep;
        }
    }

    /** The buffer to write a batch's scaled inputs into before {@link #forward}. */
    float[] input() {
        return outputs[0];
    }

    /** The network's outputs for the last forward pass (probabilities after softmax). */
    float[] result() {
        return outputs[outputs.length - 1];
    }

    int outputWidth() {
        return network.outputWidth();
    }

    /** A forward pass without dropout: for validation, evaluation and any other pass that does not train. */
    void forward(int rows) {
        forward(rows, false);
    }

    /** A forward pass, with the masks of the last {@link #drawDropout} applied when {@code training}. */
    void forward(int rows, boolean training) {
        checkBatch(rows);
        dropped = training;
        for (int l = 0; l < network.layerCount(); l++) {
            boolean drop = training && mask[l + 1] != null;
            float[] out = drop ? activated[l + 1] : outputs[l + 1];
            usedSparse[l] = LayerForward.run(network, l, outputs[l], rows, out, preActivations[l + 1], sparse[l], matMul);
            if (drop) {
                float[] m = mask[l + 1];
                float[] y = outputs[l + 1];
                for (int i = 0, n = rows * network.size(l + 1); i < n; i++) y[i] = out[i] * m[i];
            }
        }
    }

    /**
     * The summed loss of the last forward pass against the batch's labels: cross-entropy of the
     * true class, or squared error averaged over output units. With class weights, a row of class
     * {@code c} adds {@code classWeights[c]} times its loss; the mean loss is this sum over
     * {@link #weightSum}.
     */
    double loss(int rows, int[] classIndex, float[] target) {
        float[] y = result();
        int width = network.outputWidth();
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            double rowLoss;
            if (loss == Loss.CROSS_ENTROPY) {
                rowLoss = -Math.log(Math.max(y[off + classIndex[r]], 1e-30f));
            } else {
                double squares = 0;
                for (int j = 0; j < width; j++) {
                    double d = y[off + j] - expected(classIndex, target, r, j);
                    squares += d * d;
                }
                rowLoss = squares / width;
            }
            sum += classWeights == null ? rowLoss : classWeights[classIndex[r]] * rowLoss;
        }
        return sum;
    }

    /**
     * What the summed {@link #loss} of these rows is divided by to give their mean: the rows' count,
     * or with class weights the sum of their weights. The latter is PyTorch's
     * {@code CrossEntropyLoss(weight=..., reduction="mean")}: a weighted mean, so that the weights'
     * scale does not change the size of the steps, only how the classes share them.
     */
    double weightSum(int rows, int[] classIndex) {
        if (classWeights == null) return rows;
        double sum = 0;
        for (int r = 0; r < rows; r++) sum += classWeights[classIndex[r]];
        return sum;
    }

    private static float expected(int[] classIndex, float[] target, int row, int unit) {
        return target != null ? target[row] : (classIndex[row] == unit ? 1f : 0f);
    }

    /**
     * Gradients of the mean batch loss (weighted, with class weights: see {@link #weightSum}) with
     * respect to every weight and bias, into {@link #gradW} and {@link #gradB}. Call after
     * {@link #forward} on the same rows.
     *
     * @param classIndex class of each row (classification), or null
     * @param target     target of each row (regression), or null
     */
    void backward(int rows, int[] classIndex, float[] target) {
        int last = network.layerCount() - 1;
        outputGradient(rows, classIndex, target, deltas[last]);
        for (int l = last; l >= 0; l--) {
            int in = network.size(l);
            int out = network.size(l + 1);
            // dW = Xᵀ · dZ (in × out), db = column sums of dZ
            if (usedSparse[l]) {
                sparse[l].transposeTimes(deltas[l], out, gradW[l], matMul);
            } else {
                matMul.gemm(true, false, in, out, rows, outputs[l], in, deltas[l], out, gradW[l], out, false);
            }
            columnSums(deltas[l], rows, out, gradB[l]);
            if (l > 0) {
                // dX = dZ · Wᵀ (rows × in), then through the previous layer's activation
                LayerBackward.throughWeights(network, l, deltas[l], rows, deltas[l - 1], matMul);
                float[] output = outputs[l];
                if (dropped && mask[l] != null) {
                    // through the mask: a dropped unit passes no gradient, a kept one its share scaled
                    float[] delta = deltas[l - 1];
                    float[] m = mask[l];
                    for (int i = 0, n = rows * in; i < n; i++) delta[i] *= m[i];
                    output = activated[l];
                }
                LayerBackward.throughActivation(network, l - 1, deltas[l - 1], output, preActivations[l], rows, matMul);
            }
        }
    }

    /**
     * dLoss/dz for the output layer, already divided by the batch size, or with class weights
     * multiplied by the row's weight and divided by the batch's {@link #weightSum}.
     */
    private void outputGradient(int rows, int[] classIndex, float[] target, float[] delta) {
        float[] y = result();
        int width = network.outputWidth();
        boolean softmax = network.outputActivation() == Activation.SOFTMAX;
        double totalWeight = weightSum(rows, classIndex);
        for (int r = 0; r < rows; r++) {
            // unweighted, exactly the 1f / rows it always was, so that such models keep their bits
            float perRow = classWeights == null ? 1f / rows : (float) (classWeights[classIndex[r]] / totalWeight);
            int off = r * width;
            if (loss == Loss.CROSS_ENTROPY) {
                // softmax + cross-entropy: dz = p - onehot
                for (int j = 0; j < width; j++) delta[off + j] = y[off + j] * perRow;
                delta[off + classIndex[r]] -= perRow;
                continue;
            }
            float scale = 2f * perRow / width;
            for (int j = 0; j < width; j++) {
                delta[off + j] = scale * (y[off + j] - expected(classIndex, target, r, j));
            }
            if (softmax) {
                // through the softmax Jacobian: dz_i = p_i (dy_i - Σ_j p_j dy_j)
                double dot = 0;
                for (int j = 0; j < width; j++) dot += y[off + j] * delta[off + j];
                for (int j = 0; j < width; j++) delta[off + j] = y[off + j] * (delta[off + j] - (float) dot);
            }
        }
    }

    private static void columnSums(float[] m, int rows, int width, float[] sums) {
        java.util.Arrays.fill(sums, 0f);
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            for (int j = 0; j < width; j++) sums[j] += m[off + j];
        }
    }

    private void checkBatch(int rows) {
        if (rows < 1 || rows > maxBatch) {
            throw new IllegalArgumentException("batch of " + rows + " rows; this pass holds 1.." + maxBatch);
        }
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.MatMul;

/** One layer of the forward pass over a batch, shared by training ({@link Propagation}) and batch scoring ({@link Predictor}). */
final class LayerForward {

    private LayerForward() {
    }

    /**
     * {@code out = activation(in · W + b)} for layer {@code l} over {@code rows} rows of {@code in}:
     * from the non-zero inputs alone when they are few ({@link SparseBatch}; {@code sparse} may be
     * null when the layer's inputs are never sparse), else as a matrix-matrix product.
     *
     * @param preActivations where to keep {@code in · W + b} when the activation's derivative needs it
     *                       ({@link Activation#needsInput}), laid out as {@code out}; else null
     * @return whether the sparse path ran, leaving the inputs gathered in {@code sparse}
     */
    static boolean run(Network network, int l, float[] in, int rows, float[] out, float[] preActivations,
                       SparseBatch sparse, MatMul matMul) {
        int inWidth = network.size(l);
        int outWidth = network.size(l + 1);
        if (sparse != null && sparse.gather(in, rows, inWidth, matMul)) {
            sparse.times(network.weights(l), network.biases(l), outWidth, network.activation(l), out, preActivations,
                    matMul);
            return true;
        }
        Activation activation = network.activation(l);
        matMul.gemm(false, false, rows, outWidth, inWidth, in, inWidth, network.weights(l), outWidth, out, outWidth, false,
                Activations.biasAndActivation(activation, network.biases(l), matMul.kernels(), preActivations));
        if (activation == Activation.SOFTMAX) {
            matMul.forEachRow(rows, outWidth, (from, to) -> {
                for (int r = from; r < to; r++) Activations.softmax(out, r * outWidth, outWidth);
            });
        }
        return false;
    }
}

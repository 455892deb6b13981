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
     * @return whether the sparse path ran, leaving the inputs gathered in {@code sparse}
     */
    static boolean run(Network network, int l, float[] in, int rows, float[] out, SparseBatch sparse, MatMul matMul) {
        int inWidth = network.size(l);
        int outWidth = network.size(l + 1);
        if (sparse != null && sparse.gather(in, rows, inWidth, matMul)) {
            sparse.times(network.weights(l), network.biases(l), outWidth, network.activation(l), out, matMul);
            return true;
        }
        matMul.gemm(false, false, rows, outWidth, inWidth, in, inWidth, network.weights(l), outWidth, out, outWidth, false);
        Activations.addBiasAndActivate(network.activation(l), out, rows, outWidth, network.biases(l), matMul);
        return false;
    }
}

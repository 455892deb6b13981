package dev.sqlnn.nn;

import dev.sqlnn.simd.ElementwiseActivation;
import dev.sqlnn.simd.MatMul;

/**
 * One layer of the backward pass over a batch, shared by training ({@link Propagation}, which also
 * wants the weights' gradients) and {@link InputGradient} (which wants only the inputs').
 */
final class LayerBackward {

    private LayerBackward() {
    }

    /**
     * {@code dx = dz · Wᵀ} for layer {@code l}: the gradient with respect to the layer's inputs
     * ({@code rows × size(l)}), from the one with respect to its pre-activations ({@code rows × size(l+1)}).
     */
    static void throughWeights(Network network, int l, float[] dz, int rows, float[] dx, MatMul matMul) {
        int in = network.size(l);
        int out = network.size(l + 1);
        matMul.gemm(false, true, rows, in, out, dz, out, network.weights(l), out, dx, in, false);
    }

    /**
     * {@code grad *= f'(z)} for the first {@code rows × size(l+1)} elements, {@code f} being the
     * activation after layer {@code l}, {@code output} its outputs ({@code f(z)}) and {@code preActivations}
     * its inputs {@code z} when {@link Activation#needsInput} (else unused, may be null): from a layer's
     * outputs back to its pre-activations. Not for a softmax, whose Jacobian couples a row.
     */
    static void throughActivation(Network network, int l, float[] grad, float[] output, float[] preActivations,
                                  int rows, MatMul matMul) {
        int n = rows * network.size(l + 1);
        Activation activation = network.activation(l);
        ElementwiseActivation kernel = activation.kernel();
        if (activation == Activation.RELU) {
            matMul.forEachRange(n, (from, to) -> matMul.kernels().reluBackward(grad, output, from, to));
        } else if (kernel != null) {
            float[] saved = kernel.derivativeFromInput() ? preActivations : output;
            matMul.forEachRange(n, (from, to) -> matMul.kernels().activationBackward(kernel, grad, saved, from, to));
        } else {
            Activations.multiplyByDerivative(activation, grad, output, n);
        }
    }
}

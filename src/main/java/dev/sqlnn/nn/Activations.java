package dev.sqlnn.nn;

import dev.sqlnn.simd.ElementwiseActivation;
import dev.sqlnn.simd.Epilogue;
import dev.sqlnn.simd.Kernels;

/**
 * The element-wise maths of {@link Activation}: applying one to a batch of pre-activations, and
 * multiplying a gradient by its derivative, written in terms of the activation's output (which
 * the forward pass keeps) rather than its input.
 */
final class Activations {

    private Activations() {
    }

    /**
     * A matrix product's epilogue that adds {@code bias} to each finished piece of a layer's output
     * and applies the activation, when it works element by element; a softmax needs whole rows, so
     * for it the bias alone is added and the caller applies {@link #softmax} afterwards.
     *
     * @param preActivations where to keep the layer's pre-activations, laid out as its output, for an
     *                       activation whose derivative needs them ({@link Activation#needsInput}); else null
     */
    static Epilogue biasAndActivation(Activation activation, float[] bias, Kernels kernels, float[] preActivations) {
        ElementwiseActivation kernel = activation.kernel();
        if (kernel != null) {
            return (c, off, column, n) -> {
                for (int j = 0; j < n; j++) c[off + j] += bias[column + j];
                keepInputs(c, off, n, preActivations);
                kernels.activate(kernel, c, off, off + n);
            };
        }
        return switch (activation) {
            // fused: the common case touches each element once
            case RELU -> (c, off, column, n) -> {
                for (int j = 0; j < n; j++) c[off + j] = Math.max(0f, c[off + j] + bias[column + j]);
            };
            case SOFTMAX, IDENTITY -> (c, off, column, n) -> {
                for (int j = 0; j < n; j++) c[off + j] += bias[column + j];
            };
            case TANH, SIGMOID -> (c, off, column, n) -> {
                for (int j = 0; j < n; j++) c[off + j] += bias[column + j];
                activate(activation, c, off, n, kernels, null);
            };
            default -> throw new AssertionError(activation + " has a kernel");
        };
    }

    private static void keepInputs(float[] z, int off, int n, float[] preActivations) {
        if (preActivations != null) System.arraycopy(z, off, preActivations, off, n);
    }

    /**
     * Applies the activation to {@code z[off..off+width)} in place, first copying the inputs to the
     * same place in {@code preActivations} when that is not null.
     */
    static void activate(Activation activation, float[] z, int off, int width, Kernels kernels, float[] preActivations) {
        keepInputs(z, off, width, preActivations);
        ElementwiseActivation kernel = activation.kernel();
        if (kernel != null) {
            kernels.activate(kernel, z, off, off + width);
            return;
        }
        switch (activation) {
            case RELU -> {
                for (int j = 0; j < width; j++) z[off + j] = Math.max(0f, z[off + j]);
            }
            case TANH -> {
                for (int j = 0; j < width; j++) z[off + j] = tanh(z[off + j]);
            }
            case SIGMOID -> {
                for (int j = 0; j < width; j++) z[off + j] = sigmoid(z[off + j]);
            }
            case SOFTMAX -> softmax(z, off, width);
            case IDENTITY -> {
            }
            default -> throw new AssertionError(activation + " has a kernel");
        }
    }

    /** Numerically stable softmax of {@code z[off..off+width)}, in place. */
    static void softmax(float[] z, int off, int width) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) max = Math.max(max, z[off + j]);
        double sum = 0;
        for (int j = 0; j < width; j++) {
            float e = (float) Math.exp(z[off + j] - max);
            z[off + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < width; j++) z[off + j] *= inv;
    }

    /** tanh through one exp: much faster than {@link Math#tanh} and as accurate in float. */
    static float tanh(float x) {
        if (x > 9f) return 1f;
        if (x < -9f) return -1f;
        float e = (float) Math.exp(2.0 * x);
        return (e - 1f) / (e + 1f);
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * {@code grad[i] *= f'(z_i)} for the first {@code n} elements, where {@code output[i] = f(z_i)}.
     * Not for softmax, whose Jacobian couples a row (the output layer handles it with the loss).
     */
    static void multiplyByDerivative(Activation activation, float[] grad, float[] output, int n) {
        switch (activation) {
            case RELU -> {
                for (int i = 0; i < n; i++) grad[i] = output[i] > 0f ? grad[i] : 0f;
            }
            case TANH -> {
                for (int i = 0; i < n; i++) grad[i] *= 1f - output[i] * output[i];
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) grad[i] *= output[i] * (1f - output[i]);
            }
            case IDENTITY -> {
            }
            case SOFTMAX -> throw new IllegalArgumentException("softmax is only used on the output layer");
            default -> throw new AssertionError(activation + " has a kernel: Kernels.activationBackward");
        }
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.MatMul;

/**
 * The element-wise maths of {@link Activation}: applying one to a batch of pre-activations, and
 * multiplying a gradient by its derivative, written in terms of the activation's output (which
 * the forward pass keeps) rather than its input.
 */
final class Activations {

    private Activations() {
    }

    /**
     * Adds {@code bias} to each of the {@code rows} rows of {@code z} (row width {@code width}) and
     * applies the activation in place, on {@code matMul}'s threads when the batch is large.
     */
    static void addBiasAndActivate(Activation activation, float[] z, int rows, int width, float[] bias, MatMul matMul) {
        matMul.forEachRow(rows, width, (from, to) -> addBiasAndActivate(activation, z, from, to, width, bias));
    }

    /** {@link #addBiasAndActivate(Activation, float[], int, int, float[], MatMul)} for rows {@code [from, to)}, on this thread. */
    static void addBiasAndActivate(Activation activation, float[] z, int from, int to, int width, float[] bias) {
        for (int r = from; r < to; r++) {
            int off = r * width;
            if (activation == Activation.RELU) {
                // fused: the common case touches each element once
                for (int j = 0; j < width; j++) z[off + j] = Math.max(0f, z[off + j] + bias[j]);
                continue;
            }
            for (int j = 0; j < width; j++) z[off + j] += bias[j];
            activate(activation, z, off, width);
        }
    }

    /** Applies the activation to {@code z[off..off+width)} in place. */
    static void activate(Activation activation, float[] z, int off, int width) {
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
        }
    }
}

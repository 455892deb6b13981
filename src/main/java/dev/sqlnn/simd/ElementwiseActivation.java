package dev.sqlnn.simd;

/**
 * The activations with a kernel of their own ({@link Kernels#activate}, {@link Kernels#activationBackward}):
 * those whose exponentials and logarithms are worth computing a vector at a time. Both kernels compute
 * them with the same float polynomials, in the same order of operations, so that the Vector API and
 * the scalar kernels agree bit for bit and a model's bits do not depend on whether the JIT has
 * compiled a loop yet (the Vector API's own {@code EXP} may differ by an ulp between its intrinsic and
 * its fallback).
 */
public enum ElementwiseActivation {
    /** {@code z > 0 ? z : 0.01·z}. */
    LEAKY_RELU,
    /** {@code z > 0 ? z : eˣ - 1} (alpha 1). */
    ELU,
    /** {@code λ·(z > 0 ? z : α·(eᶻ - 1))} with Klambauer et al.'s λ ≈ 1.0507 and α ≈ 1.6733. */
    SELU,
    /**
     * GELU in its tanh approximation (Hendrycks and Gimpel; PyTorch's {@code approximate="tanh"}):
     * {@code 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))}, computed as {@code z·σ(2u)}.
     */
    GELU,
    /** {@code ln(1 + eᶻ)}, as {@code max(z, 0) + ln(1 + e^-|z|)} so that it never overflows. */
    SOFTPLUS;

    public static final float LEAKY_SLOPE = 0.01f;
    public static final float ELU_ALPHA = 1f;
    public static final float SELU_LAMBDA = 1.0507009873554805f;
    public static final float SELU_ALPHA = 1.6732632423543772f;
    /** √(2/π) and the cubic's coefficient of GELU's tanh approximation. */
    public static final float GELU_C = 0.7978845608028654f;
    public static final float GELU_K = 0.044715f;

    /**
     * Whether the derivative is computed from the unit's input {@code z} rather than its output
     * {@code f(z)}: GELU is not monotonic, so its output does not tell its input apart.
     */
    public boolean derivativeFromInput() {
        return this == GELU;
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.ElementwiseActivation;

import java.util.Locale;

/**
 * Element-wise activations. {@link #SOFTMAX} applies to a whole output row and is used only on
 * the output layer; the others may be used anywhere.
 */
public enum Activation {
    RELU(1), TANH(2), SIGMOID(3), IDENTITY(4), SOFTMAX(5),
    /** Slope 0.01 below zero. */
    LEAKY_RELU(6),
    /** Alpha 1. */
    ELU(7),
    /** Klambauer et al.'s constants, λ ≈ 1.0507 and α ≈ 1.6733. */
    SELU(8),
    /** The tanh approximation (PyTorch's {@code approximate="tanh"}), in every kernel. */
    GELU(9),
    SOFTPLUS(10);

    /** The activations a user may choose for the hidden layers, in the order the options list them. */
    public static final java.util.List<Activation> HIDDEN =
            java.util.List.of(RELU, TANH, SIGMOID, LEAKY_RELU, ELU, SELU, GELU, SOFTPLUS);

    /**
     * GELU's tanh approximation, {@code 0.5·z·(1 + tanh(GELU_C·(z + GELU_K·z³)))}: its constants, for code
     * that writes GELU out in other terms (the ONNX export).
     */
    public static final float GELU_C = ElementwiseActivation.GELU_C;
    public static final float GELU_K = ElementwiseActivation.GELU_K;

    /** Stable code for the model format: never renumber. */
    public final int code;

    Activation(int code) {
        this.code = code;
    }

    /** The kernel of an activation computed by {@link dev.sqlnn.simd.Kernels#activate}, or null for the others. */
    ElementwiseActivation kernel() {
        return switch (this) {
            case LEAKY_RELU -> ElementwiseActivation.LEAKY_RELU;
            case ELU -> ElementwiseActivation.ELU;
            case SELU -> ElementwiseActivation.SELU;
            case GELU -> ElementwiseActivation.GELU;
            case SOFTPLUS -> ElementwiseActivation.SOFTPLUS;
            case RELU, TANH, SIGMOID, IDENTITY, SOFTMAX -> null;
        };
    }

    /** Whether the backward pass needs the layer's pre-activations, not only its outputs. */
    boolean needsInput() {
        return this == GELU;
    }

    public static Activation fromCode(int code) {
        for (Activation a : values()) {
            if (a.code == code) return a;
        }
        throw new IllegalArgumentException("unknown activation code " + code);
    }

    /** Parses an option value such as {@code "relu"}; only the hidden-layer activations are accepted. */
    public static Activation parseHidden(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Activation a : HIDDEN) {
            if (a.optionName().equals(lower)) return a;
        }
        throw new IllegalArgumentException("activation must be one of " + hiddenNames() + "; got '" + name + "'");
    }

    /** The hidden-layer activations' option names, comma-separated. */
    public static String hiddenNames() {
        return String.join(", ", HIDDEN.stream().map(Activation::optionName).toList());
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

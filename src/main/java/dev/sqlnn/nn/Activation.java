package dev.sqlnn.nn;

import java.util.Locale;

/**
 * Element-wise activations. {@link #SOFTMAX} applies to a whole output row and is used only on
 * the output layer; the others may be used anywhere.
 */
public enum Activation {
    RELU(1), TANH(2), SIGMOID(3), IDENTITY(4), SOFTMAX(5);

    /** Stable code for the model format: never renumber. */
    public final int code;

    Activation(int code) {
        this.code = code;
    }

    public static Activation fromCode(int code) {
        for (Activation a : values()) {
            if (a.code == code) return a;
        }
        throw new IllegalArgumentException("unknown activation code " + code);
    }

    /** Parses an option value such as {@code "relu"}; only the hidden-layer activations are accepted. */
    public static Activation parseHidden(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "relu" -> RELU;
            case "tanh" -> TANH;
            case "sigmoid" -> SIGMOID;
            default -> throw new IllegalArgumentException(
                    "activation must be one of relu, tanh, sigmoid; got '" + name + "'");
        };
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

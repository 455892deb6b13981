package dev.sqlnn.nn;

import java.util.Locale;

/** The training loss: what the output layer is fitted to minimise. */
public enum Loss {
    /** Softmax outputs and the negative log-likelihood of the true class; for classifiers. */
    CROSS_ENTROPY(1),
    /** Mean squared error of the raw outputs; the loss for regression. */
    MSE(2);

    /** Stable code for the model format: never renumber. */
    public final int code;

    Loss(int code) {
        this.code = code;
    }

    public static Loss fromCode(int code) {
        for (Loss l : values()) {
            if (l.code == code) return l;
        }
        throw new IllegalArgumentException("unknown loss code " + code);
    }

    /** Parses an option value such as {@code "cross_entropy"}. */
    public static Loss parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cross_entropy" -> CROSS_ENTROPY;
            case "mse" -> MSE;
            default -> throw new IllegalArgumentException(
                    "loss must be one of cross_entropy, mse; got '" + name + "'");
        };
    }

    /** The spelling used in the options JSON. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

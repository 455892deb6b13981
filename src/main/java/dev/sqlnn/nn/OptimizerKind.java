package dev.sqlnn.nn;

import java.util.Locale;

/**
 * Which update rule training uses. Only the kind is named here; the constants it needs
 * (learning rate, momentum, Adam's betas and epsilon) travel in the training options.
 */
public enum OptimizerKind {
    /** Plain stochastic gradient descent. */
    SGD,
    /** SGD with classical (heavy-ball) momentum. */
    MOMENTUM,
    /** SGD with Nesterov momentum: the gradient is taken at the looked-ahead point. */
    NESTEROV,
    /** Adam: per-weight step sizes from running first and second moments of the gradient. */
    ADAM;

    /** Parses an option value such as {@code "adam"}. */
    public static OptimizerKind parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> SGD;
            case "momentum" -> MOMENTUM;
            case "nesterov" -> NESTEROV;
            case "adam" -> ADAM;
            default -> throw new IllegalArgumentException(
                    "optimizer must be one of sgd, momentum, nesterov, adam; got '" + name + "'");
        };
    }

    /** The spelling used in the options JSON. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.sqlnn.nn;

import java.util.Locale;

/**
 * How the weights of a new network are drawn (biases start at 0). {@link #HE}: normal with
 * std √(2/fan_in) in front of ReLU, Glorot elsewhere; the choice for deep networks on many inputs
 * (images). {@link #GLOROT}: uniform within √(6/(fan_in+fan_out)) in front of every layer, as
 * scikit-learn's MLP does; kinder to a handful of standardised columns, where He's √(2/fan_in)
 * starts with large steps.
 */
public enum WeightInit {
    HE, GLOROT;

    public static WeightInit parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "he" -> HE;
            case "glorot" -> GLOROT;
            default -> throw new IllegalArgumentException("unknown init " + name);
        };
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.sqlnn.data;

import java.util.Locale;

/**
 * What a NULL feature becomes: for a number, the training rows' mean or median, or zero; for a
 * category, a slot of its own. {@link #ERROR} refuses NULLs, as sqlnn did before it imputed.
 */
public enum Imputation {
    MEAN(0), MEDIAN(1), ZERO(2), MISSING(3), ERROR(4);

    /** Stable code for the model format: never renumber. */
    public final int code;

    Imputation(int code) {
        this.code = code;
    }

    public static Imputation fromCode(int code) {
        for (Imputation i : values()) {
            if (i.code == code) return i;
        }
        throw new IllegalArgumentException("unknown imputation code " + code);
    }

    /** Parses an option value: mean, median, zero, missing or error. */
    public static Imputation parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mean" -> MEAN;
            case "median" -> MEDIAN;
            case "zero" -> ZERO;
            case "missing" -> MISSING;
            case "error" -> ERROR;
            default -> throw new IllegalArgumentException("unknown imputation " + name);
        };
    }

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this applies to numbers; {@link #MISSING} applies only to categories, {@link #ERROR} to both. */
    public boolean forNumbers() {
        return this != MISSING;
    }

    /** Whether this applies to categories: their own slot, or a refusal. */
    public boolean forCategories() {
        return this == MISSING || this == ERROR;
    }
}

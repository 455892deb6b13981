package dev.sqlnn.data;

import java.util.Locale;

/** The {@code scale} option: how features are scaled before they reach the network. */
public enum Scaling {
    /** Bytes divided by 255, numeric features standardised. */
    AUTO(0),
    /** Zero mean, unit variance per feature (fitted on the training rows). */
    STANDARD(1),
    /** Each feature mapped to [0, 1] by the training rows' minimum and maximum. */
    MINMAX(2),
    /** Features used as they are. */
    NONE(3),
    /** Unsigned bytes divided by 255: what AUTO becomes for byte features. */
    BYTES(4);

    /** Stable code for the model format: never renumber. */
    public final int code;

    Scaling(int code) {
        this.code = code;
    }

    public static Scaling fromCode(int code) {
        for (Scaling s : values()) {
            if (s.code == code) return s;
        }
        throw new IllegalArgumentException("unknown scaling code " + code);
    }

    /** Parses the option value; {@code bytes} is internal and not accepted. */
    public static Scaling parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "standard" -> STANDARD;
            case "minmax" -> MINMAX;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException(
                    "scale must be one of auto, standard, minmax, none; got '" + name + "'");
        };
    }
}

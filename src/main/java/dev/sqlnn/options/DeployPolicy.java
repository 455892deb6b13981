package dev.sqlnn.options;

import java.util.Locale;

/** The {@code deploy} option: whether a freshly trained version becomes the deployed one. */
public enum DeployPolicy {
    /** Deploy only if its validation metric beats the currently deployed version's (or none is deployed). */
    BEST,
    /** Always deploy the new version. */
    ALWAYS,
    /** Never deploy automatically; {@code ML_DEPLOY} does it later. */
    NEVER;

    /** Parses an option value such as {@code "best"}. */
    public static DeployPolicy parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "best" -> BEST;
            case "always" -> ALWAYS;
            case "never" -> NEVER;
            default -> throw new IllegalArgumentException(
                    "deploy must be one of best, always, never; got '" + name + "'");
        };
    }

    /** The spelling used in the options JSON. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

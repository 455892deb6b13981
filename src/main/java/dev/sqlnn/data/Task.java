package dev.sqlnn.data;

import java.util.Locale;

/** What a model predicts. */
public enum Task {
    CLASSIFICATION(1), REGRESSION(2);

    /** Stable code for the model format: never renumber. */
    public final int code;

    Task(int code) {
        this.code = code;
    }

    public static Task fromCode(int code) {
        for (Task t : values()) {
            if (t.code == code) return t;
        }
        throw new IllegalArgumentException("unknown task code " + code);
    }

    public static Task parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "classification" -> CLASSIFICATION;
            case "regression" -> REGRESSION;
            default -> throw new IllegalArgumentException(
                    "task must be classification or regression; got '" + name + "'");
        };
    }

    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

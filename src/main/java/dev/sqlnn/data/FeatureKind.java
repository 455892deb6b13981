package dev.sqlnn.data;

/** How a model's input features arrive: one VARBINARY of unsigned bytes, or numbers. */
public enum FeatureKind {
    /** Unsigned bytes (e.g. pixels), one VARBINARY column. */
    BYTES(1),
    /** Numbers: a numeric ARRAY column, or plain numeric columns. */
    NUMERIC(2);

    /** Stable code for the model format: never renumber. */
    public final int code;

    FeatureKind(int code) {
        this.code = code;
    }

    public static FeatureKind fromCode(int code) {
        for (FeatureKind k : values()) {
            if (k.code == code) return k;
        }
        throw new IllegalArgumentException("unknown feature kind code " + code);
    }
}

package dev.sqlnn.data;

/** The SQL type family of a training label, which is also the type of a prediction. */
public enum LabelKind {
    /** Integer classes: {@code PREDICT} returns INTEGER. */
    INTEGER(1),
    /** Text classes: {@code PREDICT_LABEL} returns VARCHAR. */
    TEXT(2),
    /** A number to regress: {@code PREDICT_VALUE} returns DOUBLE. */
    FLOAT(3);

    /** Stable code for the model format: never renumber. */
    public final int code;

    LabelKind(int code) {
        this.code = code;
    }

    public static LabelKind fromCode(int code) {
        for (LabelKind k : values()) {
            if (k.code == code) return k;
        }
        throw new IllegalArgumentException("unknown label kind code " + code);
    }
}

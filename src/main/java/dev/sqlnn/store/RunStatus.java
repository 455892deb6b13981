package dev.sqlnn.store;

import java.util.Locale;

/**
 * Where a training stands, as {@code SQLNN.TRAINING_RUNS.STATUS} says. A training that fails or is
 * cancelled leaves no run at all.
 */
public enum RunStatus {
    /** Under way: its epochs appear in the training log as they end. */
    RUNNING,
    /**
     * Ended, and its model row handed to the caller's transaction, which has not committed it: it is
     * about to, or it rolled back, and then the log stays without a model.
     */
    UNSAVED,
    /** Its model row was committed, together with this status. */
    SAVED,
    /** Never ended: the database or its JVM stopped while it ran. Set by the next training of the name. */
    ABANDONED;

    /** The value in {@code SQLNN.TRAINING_RUNS.STATUS}, e.g. {@code running}. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromSqlName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}

package dev.sqlnn.nn;

/**
 * Training examples as the trainer sees them: scaled inputs, and a class index or a target per row.
 * The data package adapts its compact row store to this, so that {@code nn} knows nothing of JDBC.
 */
public interface Examples {

    /** Number of rows. */
    int size();

    /** Features per row, after preprocessing. */
    int inputWidth();

    /**
     * Writes the scaled inputs of rows {@code rows[from..from+count)} into {@code out}, one row after
     * another ({@code count × inputWidth()}). Called once per mini-batch: no allocation here.
     *
     * @param epoch the current epoch (0-based), so augmentation can vary per epoch; -1 for evaluation,
     *              which must see the rows unchanged
     */
    void inputs(int[] rows, int from, int count, float[] out, int epoch);

    /** The class index of a row (classification). */
    int classIndex(int row);

    /** The target of a row, already scaled (regression). */
    float target(int row);
}

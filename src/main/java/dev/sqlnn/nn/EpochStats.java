package dev.sqlnn.nn;

/**
 * What one epoch of training achieved. Validation figures are NaN when there is no validation split.
 *
 * @param epoch             1-based epoch number
 * @param trainLoss         mean loss over the epoch's mini-batches
 * @param validationLoss    mean loss on the validation rows after the epoch
 * @param validationMetric  accuracy (classification) or R² (regression) on the validation rows; higher is better
 * @param learningRate      the step size used in this epoch
 * @param seconds           wall time of the epoch, validation included
 * @param rowsPerSecond     training rows processed per second
 */
public record EpochStats(int epoch, double trainLoss, double validationLoss, double validationMetric,
                         double learningRate, double seconds, double rowsPerSecond) {

    /** The same figures numbered {@code epochsBefore} later: a warm start's epochs follow those of the version it continues. */
    public EpochStats after(int epochsBefore) {
        return new EpochStats(epoch + epochsBefore, trainLoss, validationLoss, validationMetric, learningRate, seconds,
                rowsPerSecond);
    }
}

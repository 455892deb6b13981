package dev.sqlnn.store;

/**
 * What one training epoch reports.
 *
 * @param validationLoss   null when training holds no rows back for validation
 * @param validationMetric the model's validation score on the held-back rows; null likewise
 */
public record LogEntry(int epoch, double trainLoss, Double validationLoss, Double validationMetric,
                       double learningRate, double seconds, double rowsPerSecond) {
}

package dev.sqlnn.eval;

/**
 * One point of a ROC curve: predicting the class for every row whose score is at least
 * {@code threshold} gives these false and true positive rates. The first point of a curve has
 * threshold {@code +Infinity} (nothing predicted positive, so (0, 0)).
 */
public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {
}

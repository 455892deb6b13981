/**
 * Metrics that judge a model's predictions against the true labels: for classifiers, accuracy,
 * precision/recall/F1, the confusion matrix, log loss, ROC AUC and ROC curves
 * ({@link dev.sqlnn.eval.ClassificationMetrics}); for regression, MSE, MAE and R²
 * ({@link dev.sqlnn.eval.RegressionMetrics}). They back {@code ML_EVALUATE},
 * {@code ML_CONFUSION_MATRIX}, {@code ML_ROC_CURVE} and the validation metric of training.
 *
 * <p>Inputs are plain arrays of class indices, probabilities and values, so this package depends
 * on nothing but the JDK; the conventions follow scikit-learn's, and each class says where it
 * has to choose.
 */
package dev.sqlnn.eval;

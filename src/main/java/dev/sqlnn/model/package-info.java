/**
 * The model: {@link dev.sqlnn.model.Model}, the inference-time object that scales a row's raw
 * features, runs its network and says what the outputs mean (class, label, value, probabilities),
 * for one row ({@link dev.sqlnn.model.Model#predictLabel} and the like) or a batch ({@link dev.sqlnn.model.BatchScorer},
 * {@link dev.sqlnn.model.QueryScorer}); its binary codec ({@link dev.sqlnn.model.ModelCodec}); the
 * training of a model from a query's rows ({@link dev.sqlnn.model.ModelTrainer}); and its measure on
 * labelled rows ({@link dev.sqlnn.model.ModelEvaluation}); and why it predicts what it does
 * ({@link dev.sqlnn.model.IntegratedGradients}, {@link dev.sqlnn.model.QueryExplainer},
 * {@link dev.sqlnn.model.GlobalExplanation}). Depends on options, data, eval and the
 * {@code nn} engine; knows nothing of where models are stored or of SQL functions.
 */
package dev.sqlnn.model;

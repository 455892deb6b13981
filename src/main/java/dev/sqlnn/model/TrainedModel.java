package dev.sqlnn.model;

import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.options.TrainingOptions;

import java.util.List;

/**
 * The outcome of one training, ready to be stored as a model version.
 *
 * @param model        the inference-time model
 * @param options      the options as resolved (defaults filled in)
 * @param metricsJson  metrics on the validation rows (or the training rows when there is no split)
 * @param score        the figure versions are compared by: accuracy, or R² for regression; higher is better
 * @param epochs       one entry per epoch
 * @param trainRows    rows the model was fitted on
 * @param seconds      wall time of the training
 */
public record TrainedModel(Model model, TrainingOptions options, String metricsJson, double score,
                           List<EpochStats> epochs, long trainRows, double seconds) {
}

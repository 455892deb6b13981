package dev.sqlnn.store;

/**
 * A trained model version about to be saved.
 *
 * @param task          {@link Task#sqlName()}
 * @param optionsJson   the training options, as JSON text
 * @param layers        the layer widths joined by '-', e.g. {@code 784-1024-512-10}
 * @param classesJson   JSON array of the class labels, or null for regression
 * @param metricsJson   JSON object of validation metrics, e.g. {@code {"accuracy":0.97}}
 * @param weights       the {@link ModelCodec} blob; not copied
 */
public record NewModel(String name, long version, String task, String optionsJson, int inputWidth, String layers,
                       String classesJson, String metricsJson, long trainRows, double trainSeconds, byte[] weights) {
}

package dev.sqlnn.store;

/**
 * A model version as {@code SQLNN.MODELS} holds it.
 *
 * @param weights the {@link ModelCodec} blob, as read; equality of records compares the array by identity
 */
public record StoredModel(long id, String name, long version, String task, int inputWidth, String layers,
                          String metricsJson, boolean deployed, byte[] weights) {
}

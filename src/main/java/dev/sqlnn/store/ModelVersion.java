package dev.sqlnn.store;

import java.time.OffsetDateTime;

/** One version of a model, without its weights: enough to list and compare versions. */
public record ModelVersion(long version, boolean deployed, String metricsJson, OffsetDateTime createdAt) {
}

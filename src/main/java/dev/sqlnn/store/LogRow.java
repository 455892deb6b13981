package dev.sqlnn.store;

/** A training log entry together with the model version it belongs to. */
public record LogRow(long version, LogEntry entry) {
}

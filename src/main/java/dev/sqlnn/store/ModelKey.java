package dev.sqlnn.store;

/** Names one version of one model. */
public record ModelKey(String name, long version) {
}

package dev.sqlnn.model;

/** Names one version of one model. */
public record ModelKey(String name, long version) {
}

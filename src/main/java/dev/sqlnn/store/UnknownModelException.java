package dev.sqlnn.store;

/** A model name, or a version of it, that {@code SQLNN.MODELS} does not hold (SQLState 42704). */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String message) {
        super(message);
    }

    public UnknownModelException(String name, long version) {
        this("model " + name + " has no version " + version);
    }
}

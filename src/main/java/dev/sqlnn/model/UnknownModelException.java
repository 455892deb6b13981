package dev.sqlnn.model;

/** A model name, or a version of it, that {@code SQLNN.MODELS} does not hold. */
public class UnknownModelException extends RuntimeException {

    private final String name;
    private final long version;

    public UnknownModelException(String name, long version) {
        super("model " + name + " has no version " + version);
        this.name = name;
        this.version = version;
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }
}

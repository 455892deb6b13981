package dev.sqlnn.model;

/**
 * A model blob that {@link ModelCodec} cannot read: truncated, corrupted, from a newer sqlnn, or
 * describing an impossible model. The message says what was found and what was expected; the SQL
 * layer reports it with SQLState {@code 22000}.
 */
public class DamagedModelException extends RuntimeException {

    public DamagedModelException(String message) {
        super(message);
    }

    public DamagedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

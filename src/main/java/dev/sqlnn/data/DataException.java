package dev.sqlnn.data;

/**
 * Training data that sqlnn cannot use: no rows, a NULL or non-finite feature, a label it cannot
 * learn from, and the like. The message says what was expected, what was found and what to do; the
 * SQL layer turns it into an {@code SQLException} with SQLState {@code 22023}.
 */
public class DataException extends IllegalArgumentException {

    public DataException(String message) {
        super(message);
    }
}

package dev.sqlnn.options;

/**
 * A bad {@code ML_TRAIN} options value. The message names the option, what was expected and what
 * was given, so that the SQL layer can pass it on as it is (SQLState {@code 22023}).
 */
public class OptionsException extends IllegalArgumentException {

    public OptionsException(String message) {
        super(message);
    }

    public OptionsException(String message, Throwable cause) {
        super(message, cause);
    }
}

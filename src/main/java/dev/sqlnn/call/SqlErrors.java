package dev.sqlnn.call;

import dev.sqlnn.data.DataException;
import dev.sqlnn.data.HeapLimitException;
import dev.sqlnn.model.DamagedModelException;
import dev.sqlnn.options.OptionsException;
import dev.sqlnn.store.UnknownModelException;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Turns the core's unchecked exceptions into {@link SQLException}s whose message starts with the
 * SQL function's name and whose SQLState says what kind of problem it is.
 */
public final class SqlErrors {

    /** Invalid parameter value: bad argument, width, option or data. */
    public static final String BAD_ARGUMENT = "22023";
    /** Undefined object: no such model or version. */
    public static final String UNKNOWN_MODEL = "42704";
    /** Feature not supported. */
    public static final String NOT_SUPPORTED = "0A000";
    /** Data exception: a stored model blob that does not decode. */
    public static final String DAMAGED_MODEL = "22000";
    /** Out of memory: work refused because it would not fit the JVM's heap. */
    public static final String OUT_OF_MEMORY = "53200";
    /** Query canceled. */
    public static final String CANCELED = "57014";

    /**
     * What H2 appends to a message: the statement it ran ({@code "; SQL statement:\n..."}, which for
     * sqlnn's own SQL is jOOQ's rendering, meaningless to the caller) and its error code and build
     * ({@code " [90096-252]"}).
     */
    private static final Pattern H2_STATEMENT = Pattern.compile("(?s); SQL statement:\\R.*\\z");
    private static final Pattern H2_CODE = Pattern.compile(" \\[-?\\d+-\\d+]\\z");

    private SqlErrors() {
    }

    /**
     * The database's message of {@code e} as a person should read it: without the statement and the
     * error code that H2 appends (an exception from inside an SQL function carries them once for
     * each statement it went through, the innermost first: everything from the first echo on goes).
     */
    public static String message(SQLException e) {
        String message = e.getMessage();
        if (message == null) return e.toString();
        return H2_CODE.matcher(H2_STATEMENT.matcher(message).replaceFirst("")).replaceFirst("");
    }

    /** Work of an SQL function that may fail with the core's unchecked exceptions or the database's own. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work}: the core's exceptions become {@link SQLException}s named after
     * {@code function} ({@link #translate}); the database's own propagate unchanged.
     */
    public static <T> T call(String function, Work<T> work) throws SQLException {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw translate(function, e);
        }
    }

    public static SQLException translate(String function, RuntimeException e) {
        String state;
        if (e instanceof UnknownModelException) {
            state = UNKNOWN_MODEL;
        } else if (e instanceof DamagedModelException) {
            state = DAMAGED_MODEL;
        } else if (e instanceof HeapLimitException) {
            state = OUT_OF_MEMORY;
        } else if (e instanceof UnsupportedOperationException) {
            state = NOT_SUPPORTED;
        } else if (e instanceof OptionsException || e instanceof DataException || e instanceof IllegalArgumentException) {
            state = BAD_ARGUMENT;
        } else {
            SQLException refused = sqlCause(e);
            if (refused != null) {
                // The database refused sqlnn's own SQL (e.g. no rights on SQLNN.MODELS): its SQLState says why.
                return new SQLException(function + ": " + message(refused), refused.getSQLState(),
                        refused.getErrorCode(), e);
            }
            // A bug, not bad input: keep the stack trace as the cause.
            return new SQLException(function + ": internal error: " + e, "XX000", e);
        }
        return new SQLException(function + ": " + e.getMessage(), state, e);
    }

    /** The database's own error behind a wrapper such as jOOQ's DataAccessException, or null. */
    private static SQLException sqlCause(Throwable e) {
        Throwable t = e.getCause();
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) { // bounded: causes may cycle
            if (t instanceof SQLException sql) return sql;
        }
        return null;
    }

    public static SQLException badArgument(String function, String message) {
        return new SQLException(function + ": " + message, BAD_ARGUMENT);
    }

    /** A training stopped by {@code Statement.cancel()} or a query timeout. */
    public static SQLException canceled(String function, SQLException cause) {
        return new SQLException(function + ": canceled (" + message(cause) + "); nothing was saved",
                cause.getSQLState() != null ? cause.getSQLState() : CANCELED, cause.getErrorCode(), cause);
    }
}

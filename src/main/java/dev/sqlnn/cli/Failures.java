package dev.sqlnn.cli;

import dev.sqlnn.call.SqlErrors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;

/**
 * What a command that fails prints: the database's message and SQLState, or the message of a file
 * or argument problem, on standard error, with exit code 1. Bad input is the user's to fix, so it
 * gets no stack trace; only an unexpected exception (a bug) does, when {@code SQLNN_DEBUG} is set.
 */
final class Failures implements IExecutionExceptionHandler {

    /** Exit code of a command that failed; picocli uses 2 for a bad command line. */
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName(" ") + ": " + describe(e));
        if (!isBadInput(e) && System.getenv("SQLNN_DEBUG") != null) e.printStackTrace(err);
        err.flush();
        return FAILED;
    }

    /**
     * One line (or a few, for the database's own multi-line messages) that says what went wrong: the
     * database's message without the statement H2 echoes after it (the command's own, or jOOQ's for
     * sqlnn's tables, which the user never wrote).
     */
    static String describe(Throwable e) {
        SQLException sql = sqlCause(e);
        if (sql != null) {
            String state = sql.getSQLState() != null ? " (SQLState " + sql.getSQLState() + ")" : "";
            return SqlErrors.message(sql) + state + Database.hint(sql);
        }
        if (isBadInput(e)) return e.getMessage();
        String hint = System.getenv("SQLNN_DEBUG") == null ? " (set SQLNN_DEBUG=1 for the stack trace)" : "";
        return "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage() + hint;
    }

    private static boolean isBadInput(Throwable e) {
        return sqlCause(e) != null || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof CommandFailure
                || e.getClass().getName().startsWith("org.flywaydb.");
    }

    /** The SQLException that explains {@code e}: itself, or one of its causes (Flyway and jOOQ wrap them). */
    private static SQLException sqlCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) { // bounded: causes may cycle
            if (t instanceof SQLException sql) return sql;
        }
        return null;
    }
}

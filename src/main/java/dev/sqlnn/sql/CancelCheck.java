package dev.sqlnn.sql;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.store.EmbeddedSession;
import org.h2.command.Command;
import org.h2.command.CommandInterface;
import org.h2.command.Prepared;
import org.h2.engine.SessionLocal;
import org.h2.message.DbException;
import org.h2.result.ResultInterface;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Stops a training, or a long scoring, when its statement is cancelled ({@code Statement.cancel()} or
 * a query timeout): H2 only raises a flag, and a long-running Java function must look at it. Checked
 * after every mini-batch, so a cancel takes effect within one batch.
 *
 * <p>H2 keeps two flags: a query timeout marks the session, but {@code Statement.cancel()} marks the
 * calling statement's {@link Command}, whose own check is not public. {@link Prepared#checkCanceled()}
 * is, and looks at both; so this holds a do-nothing {@code Prepared} tied to the calling statement.
 * Create it before the function runs a query of its own: that query replaces the session's current
 * command, and leaves none behind.
 */
final class CancelCheck implements TrainingListener {

    private final Prepared check;

    CancelCheck(Connection connection) throws SQLException {
        Prepared local = null;
        SessionLocal s = EmbeddedSession.of(connection);
        if (s != null) {
            local = new CallingStatement(s);
            local.setCommand(s.getCurrentCommand());
        }
        this.check = local;
    }

    /**
     * Runs {@code work}, sqlnn's own statements in a call that H2 makes while the calling statement
     * runs, and makes the calling statement the session's current one again. H2 asks a table function
     * for its columns once more as the statement starts (it recompiles it); the statements that call
     * runs leave the session with no current statement, and the call that follows, which does the work,
     * would then have no statement to watch for a cancel. Outside H2's engine it only runs {@code work}.
     */
    static <T> T keepingTheCallingStatement(Connection connection, SqlWork<T> work) throws SQLException {
        SessionLocal s = EmbeddedSession.of(connection);
        Command caller = s == null ? null : s.getCurrentCommand();
        try {
            return work.run();
        } finally {
            if (caller != null && s.getCurrentCommand() != caller) s.startStatementWithinTransaction(caller);
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        check();
    }

    /** Throws {@code DbException} (57014) once the calling statement is cancelled or timed out. */
    void check() {
        if (check != null) check.checkCanceled();
    }

    /** Throws the SQL function {@code fn}'s {@code SQLException} (57014) once the calling statement is cancelled or timed out. */
    void check(String fn) throws SQLException {
        try {
            check();
        } catch (DbException e) {
            throw canceledOr(fn, e);
        }
    }

    /** A cancellation (57014) with the function's name; any other error of the database as it is. */
    static SQLException canceledOr(String fn, DbException e) {
        SQLException sql = DbException.toSQLException(e);
        if (!SqlErrors.CANCELED.equals(sql.getSQLState())) return sql;
        return new SQLException(fn + ": canceled (" + SqlErrors.message(sql) + ")", sql.getSQLState(), sql.getErrorCode(), sql);
    }

    /** Stands for the statement that called the function; never prepared or run. */
    private static final class CallingStatement extends Prepared {

        CallingStatement(SessionLocal session) {
            super(session);
        }

        @Override
        public boolean isTransactional() {
            return false;
        }

        @Override
        public ResultInterface queryMeta() {
            return null;
        }

        @Override
        public int getType() {
            return CommandInterface.UNKNOWN;
        }
    }
}

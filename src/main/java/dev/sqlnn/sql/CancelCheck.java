package dev.sqlnn.sql;

import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.store.EmbeddedSession;
import org.h2.command.Command;
import org.h2.command.CommandInterface;
import org.h2.command.Prepared;
import org.h2.engine.SessionLocal;
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

    @Override
    public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        check();
    }

    /** Throws {@code DbException} (57014) once the calling statement is cancelled or timed out. */
    void check() {
        if (check != null) check.checkCanceled();
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

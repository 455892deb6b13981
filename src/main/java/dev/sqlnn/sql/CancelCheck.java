package dev.sqlnn.sql;

import dev.sqlnn.nn.TrainingListener;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Stops a training when its statement is cancelled ({@code Statement.cancel()} or a query
 * timeout): H2 only raises the flag, and a long-running Java function must look at it. Checked
 * after every mini-batch, so a cancel takes effect within one batch.
 */
final class CancelCheck implements TrainingListener {

    private final SessionLocal session;

    CancelCheck(Connection connection) throws SQLException {
        SessionLocal local = null;
        if (connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal s) {
            local = s;
        }
        this.session = local;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        if (session != null) session.checkCanceled(); // throws DbException(57014) once cancelled
    }
}

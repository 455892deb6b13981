package dev.sqlnn.pg;

import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What a training in a PostgreSQL backend tells its caller and hears from it: after every batch (and
 * after each row that {@code ml_explain_predict} explains) a
 * trivial query, which lets PostgreSQL act on a pending cancel or {@code statement_timeout} (the
 * backend checks for them only while it runs SQL), and after every epoch a NOTICE with the epoch's
 * figures, which psql shows as they come.
 */
final class BackendProgress implements TrainingListener {

    private final Connection connection;
    private final int epochs; // 0 when the training stops by itself
    private PreparedStatement ping;
    private PreparedStatement notice;

    BackendProgress(Connection connection, int epochs) {
        this.connection = connection;
        this.epochs = epochs;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double batchLoss) {
        ping();
    }

    /** Runs a trivial query, so that PostgreSQL acts on a pending cancel or timeout: it then throws (57014). */
    void ping() {
        try {
            if (ping == null) ping = connection.prepareStatement("SELECT 1");
            run(ping);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e); // 57014 when cancelled: SqlErrors keeps its SQLState
        }
    }

    @Override
    public void onEpoch(EpochStats s) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "ML_TRAIN: epoch %s, train loss %.4f",
                epochs == 0 ? Integer.toString(s.epoch()) : s.epoch() + "/" + epochs, s.trainLoss()));
        if (!Double.isNaN(s.validationLoss())) {
            line.append(String.format(Locale.ROOT, ", validation loss %.4f, validation score %.4f",
                    s.validationLoss(), s.validationMetric()));
        }
        line.append(String.format(Locale.ROOT, ", %.2f s, %,.0f rows/s", s.seconds(), s.rowsPerSecond()));
        try {
            if (notice == null) notice = connection.prepareStatement("SELECT sqlnn.notice(?)");
            notice.setString(1, line.toString());
            run(notice);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Runs a query to its row: PL/Java opens a cursor and runs nothing until the first row is fetched. */
    private static void run(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
        }
    }
}

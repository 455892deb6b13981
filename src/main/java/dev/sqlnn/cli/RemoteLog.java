package dev.sqlnn.cli;

import dev.sqlnn.nn.EpochStats;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Follows a training that runs in a database server, where no listener of this JVM hears it: polls
 * {@code SQLNN.TRAINING_LOG}, which the server fills epoch by epoch, from a second connection and
 * reports each new epoch to the progress bar. Best effort: a failed poll only ends the following.
 */
final class RemoteLog implements AutoCloseable {

    private static final long POLL_MILLIS = 500;

    private final String url;
    private final String model;
    private final long version;
    private final ProgressBar progress;
    private final Thread poller;
    private volatile boolean done;
    private int lastEpoch;

    /** Starts following the version of {@code model} that the next ML_TRAIN on {@code connection} will save. */
    RemoteLog(String url, Connection connection, String model, ProgressBar progress) throws SQLException {
        this.url = url;
        this.model = model;
        this.progress = progress;
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT COALESCE(MAX(VERSION), 0) + 1 FROM SQLNN.MODELS WHERE NAME = ?")) {
            p.setString(1, model);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                this.version = rs.getLong(1);
            }
        }
        this.poller = Thread.ofPlatform().daemon().name("sqlnn-train-log").start(this::follow);
    }

    private void follow() {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement p = c.prepareStatement("SELECT EPOCH, TRAIN_LOSS, VALIDATION_LOSS, VALIDATION_METRIC, "
                     + "LEARNING_RATE, SECONDS, ROWS_PER_SECOND FROM SQLNN.TRAINING_LOG "
                     + "WHERE NAME = ? AND VERSION = ? AND EPOCH > ? ORDER BY EPOCH")) {
            while (!done) {
                poll(p);
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException | InterruptedException e) {
            // following is a courtesy: the training itself goes on, and its table is printed at the end
        }
    }

    private void poll(PreparedStatement p) throws SQLException {
        p.setString(1, model);
        p.setLong(2, version);
        p.setInt(3, lastEpoch);
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                lastEpoch = rs.getInt(1);
                progress.epochDone(new EpochStats(lastEpoch, rs.getDouble(2), orNaN(rs, 3), orNaN(rs, 4),
                        rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)));
            }
        }
    }

    private static double orNaN(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    @Override
    public void close() {
        done = true;
        poller.interrupt();
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

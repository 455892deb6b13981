package dev.sqlnn.cli;

import dev.sqlnn.nn.EpochStats;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Follows a training that runs in a database server, where no listener of this JVM hears it: from a
 * second connection, finds the version the training reserved in {@code SQLNN.TRAINING_RUNS} (status
 * {@code running}, newer than any before the start), then polls {@code SQLNN.TRAINING_LOG}, whose
 * rows the server commits epoch by epoch, and reports each new epoch to the progress bar. Best
 * effort: a failed poll only ends the following.
 */
final class RemoteLog implements AutoCloseable {

    private static final long POLL_MILLIS = 500;
    private static final String LOG = "SELECT EPOCH, TRAIN_LOSS, VALIDATION_LOSS, VALIDATION_METRIC, LEARNING_RATE, "
            + "SECONDS, ROWS_PER_SECOND FROM SQLNN.TRAINING_LOG WHERE NAME = ? AND VERSION = ? AND EPOCH > ? ORDER BY EPOCH";

    private final String url;
    private final String model;
    private final long before;
    private long version;
    private final ProgressBar progress;
    private final Thread poller;
    private volatile boolean done;
    private int lastEpoch;

    /** Starts following the next training of {@code model}, whose ML_TRAIN is about to run on {@code connection}. */
    RemoteLog(String url, Connection connection, String model, ProgressBar progress) throws SQLException {
        this.url = url;
        this.model = model;
        this.progress = progress;
        try (PreparedStatement p = connection.prepareStatement("SELECT GREATEST(COALESCE((SELECT MAX(VERSION) FROM "
                + "SQLNN.MODELS WHERE NAME = ?), 0), COALESCE((SELECT MAX(VERSION) FROM SQLNN.TRAINING_RUNS WHERE NAME = ?), 0))")) {
            p.setString(1, model);
            p.setString(2, model);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                this.before = rs.getLong(1);
            }
        }
        this.poller = Thread.ofPlatform().daemon().name("sqlnn-train-log").start(this::follow);
    }

    private void follow() {
        try (Connection c = Database.connect(url);
             PreparedStatement run = c.prepareStatement("SELECT MIN(VERSION) FROM SQLNN.TRAINING_RUNS "
                     + "WHERE NAME = ? AND VERSION > ? AND STATUS = 'running'");
             PreparedStatement log = c.prepareStatement(LOG)) {
            while (!done) {
                if (version == 0) version = reserved(run);
                if (version > 0) poll(log);
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException | InterruptedException e) {
            // following is a courtesy: the training itself goes on, and its table is printed at the end
        }
    }

    /** The version the training reserved, or 0 while it has not started yet. */
    private long reserved(PreparedStatement p) throws SQLException {
        p.setString(1, model);
        p.setLong(2, before);
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Stops following and prints the epochs of {@code saved} (the version ML_TRAIN returned) that the
     * polls had not seen yet, so that every epoch gets its line, however quick the training.
     */
    void finish(Connection connection, long saved) throws SQLException {
        close();
        if (version != 0 && version != saved) lastEpoch = 0; // followed another training of the same name
        version = saved;
        try (PreparedStatement log = connection.prepareStatement(LOG)) {
            poll(log);
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

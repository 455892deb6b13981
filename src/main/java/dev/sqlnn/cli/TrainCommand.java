package dev.sqlnn.cli;

import dev.sqlnn.call.Arguments;
import dev.sqlnn.client.ClientFunctions;
import dev.sqlnn.model.TrainingProgress;
import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.options.TrainingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn train}: {@code ML_TRAIN} through SQL, with a live progress bar while it runs and the
 * per-epoch table of {@code ML_TRAINING_INFO} when it is done.
 */
@Command(name = "train", description = "Train a model on the rows of a query (ML_TRAIN), showing progress.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", required = true, description = "Model name; each training adds a version")
    String model;

    @Option(names = "--query", required = true,
            description = "Training rows: features, then the label (or name it in the options' \"label\")")
    String query;

    @Option(names = "--options", defaultValue = "{}",
            description = "Options as JSON, e.g. '{\"hidden\":[128],\"epochs\":5}' (default: ${DEFAULT-VALUE})")
    String options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        String sql = Database.trimQuery(query);
        try (Connection c = Database.open(database.url)) {
            if (Database.isClientSide(database.url)) return trainHere(c, out, sql);
            out.println("SELECT ML_TRAIN('" + model + "', '" + sql.replace("'", "''") + "', '" + options.replace("'", "''") + "');");
            ProgressBar progress = progress(out, checkedOrNull(sql));
            long version;
            try (RemoteLog remote = Database.isInProcess(database.url) ? null : new RemoteLog(database.url, c, model, progress)) {
                if (remote == null) TrainingProgress.add(progress);
                try {
                    version = train(c, sql);
                } finally {
                    TrainingProgress.remove(progress);
                }
                if (remote != null) remote.finish(c, version);
            }
            progress.finish();
            summary(c, out, version);
        }
        return 0;
    }

    /**
     * Trains in this JVM, for a database without in-server Java (PostgreSQL): reads the query's rows
     * through a cursor, commits each epoch's sqlnn.training_log row through a second connection as it
     * ends, and saves the model row at the end.
     */
    private int trainHere(Connection c, PrintWriter out, String sql) throws SQLException {
        out.println("Training " + model + " in this JVM on the rows of: " + sql);
        ProgressBar progress;
        long version;
        try (Connection side = DriverManager.getConnection(database.url)) {
            TrainingRequest parsed = Arguments.training(model, sql, options); // ML_TRAIN's checks and errors
            progress = progress(out, parsed.options());
            TrainingProgress.add(progress);
            try {
                version = ClientFunctions.train(c, model, sql, parsed, side);
            } finally {
                TrainingProgress.remove(progress);
            }
        }
        progress.finish();
        summary(c, out, version);
        return 0;
    }

    /**
     * The options, parsed with ML_TRAIN's own checks (of the model name and query too), to size the bar
     * by; null when a check fails. ML_TRAIN then runs all the same and fails before any progress, with
     * the database's own error, which names the statement as the command's would not (and a server,
     * {@code jdbc:h2:tcp:}, checks with its own sqlnn version).
     */
    private TrainingOptions checkedOrNull(String sql) {
        try {
            return Arguments.training(model, sql, options).options();
        } catch (SQLException e) {
            return null;
        }
    }

    /** A bar sized by the parsed options; without them (bad arguments), one that ML_TRAIN's error comes before. */
    private static ProgressBar progress(PrintWriter out, TrainingOptions parsed) {
        return parsed == null ? new ProgressBar(out, Terminal.isTerminal(), 1, 1)
                : new ProgressBar(out, Terminal.isTerminal(), parsed.epochs() == null ? 0 : parsed.epochs(), parsed.batchSize());
    }

    private long train(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT ML_TRAIN(?, ?, ?)")) {
            p.setString(1, model);
            p.setString(2, sql);
            p.setString(3, options);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void summary(Connection c, PrintWriter out, long version) throws SQLException {
        out.println();
        try (PreparedStatement p = c.prepareStatement("SELECT EPOCH, CAST(TRAIN_LOSS AS NUMERIC(20, 4)) AS TRAIN_LOSS, "
                + "CAST(VALIDATION_LOSS AS NUMERIC(20, 4)) AS VALIDATION_LOSS, "
                + "CAST(VALIDATION_METRIC AS NUMERIC(20, 4)) AS VALIDATION_METRIC, CAST(SECONDS AS NUMERIC(20, 2)) AS SECONDS, "
                + "CAST(ROWS_PER_SECOND AS NUMERIC(20, 0)) AS ROWS_PER_SECOND FROM " + (Database.isClientSide(database.url) ? "SQLNN.TRAINING_LOG WHERE NAME = ? AND VERSION = ?"
                : "ML_TRAINING_INFO(?, ?)") + " ORDER BY EPOCH")) {
            p.setString(1, model);
            p.setLong(2, version);
            try (ResultSet rs = p.executeQuery()) {
                TextTable.of(rs, 0).print(out);
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "SELECT LAYERS, DEPLOYED, METRICS FROM SQLNN.MODELS WHERE NAME = ? AND VERSION = ?")) {
            p.setString(1, model);
            p.setLong(2, version);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) return;
                out.println();
                out.printf("Saved %s version %d (%s), %s. %s%n", model, version, rs.getString(1),
                        rs.getBoolean(2) ? "deployed" : "not deployed", Metrics.summary(rs.getString(3)));
            }
        }
        out.flush();
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.client.ClientFunctions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn models copy}: a model version from one database to another, H2 or PostgreSQL either
 * way (train on the server, score embedded), with its options, metrics and training log.
 */
@Command(name = "copy", description = "Copy a model version between databases (H2 or PostgreSQL), e.g. to score a "
        + "model trained on PostgreSQL with PREDICT in H2.")
final class ModelsCopyCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, description = "JDBC URL of the database that has the model")
    String from;

    @Option(names = "--to", required = true, description = "JDBC URL of the database to copy it into")
    String to;

    @Option(names = "--model", required = true, description = "Model name")
    String model;

    @Option(names = "--version", description = "Version to copy (default: the deployed one); it keeps its number")
    Long version;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        long copied;
        try (Connection source = Database.open(from); Connection target = Database.open(to)) {
            copied = ClientFunctions.copyModel(source, target, model, version);
        } catch (SQLException e) {
            if (!SqlErrors.UNKNOWN_MODEL.equals(e.getSQLState())) throw e;
            // ClientFunctions says it as the Java API would; here the user named --from and --model
            throw new CommandFailure("there is no " + (version == null ? "deployed version of a model named " + model
                    : "version " + version + " of a model named " + model) + " in " + from
                    + "; list them with: sqlnn models --url '" + from + "'");
        }
        out.printf("Copied %s version %d.%n", model, copied);
        out.flush();
        return 0;
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.client.ClientFunctions;
import dev.sqlnn.model.onnx.proto.Onnx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn models export}: a model version as a file for another runtime, what {@code ML_EXPORT}
 * returns: today an ONNX model with the preprocessing in its graph (README, "Export to ONNX"). Works on
 * H2 and PostgreSQL alike: the model is read and converted in this JVM.
 */
@Command(name = "export", description = "Write a model version as an ONNX file that takes the raw features and "
        + "answers probabilities and the class, or the value (see README, Export to ONNX).")
final class ModelsExportCommand implements Callable<Integer> {

    /** The file formats a model can be exported to. */
    enum Format { onnx }

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", required = true, description = "Model name")
    String model;

    @Option(names = "--version", description = "Version to export (default: the deployed one)")
    Long version;

    @Option(names = "--format", defaultValue = "onnx", description = "File format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--out", required = true, description = "File to write, e.g. model.onnx (replaced if it exists)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException, IOException {
        byte[] file;
        try (Connection c = Database.open(database.url)) {
            file = ClientFunctions.export(c, model, version);
        } catch (SQLException e) {
            if (!SqlErrors.UNKNOWN_MODEL.equals(e.getSQLState())) throw e;
            throw new CommandFailure("there is no " + (version == null ? "deployed version of a model named " + model
                    : "version " + version + " of a model named " + model) + " in " + database.url
                    + "; list them with: sqlnn models --url '" + database.url + "'");
        }
        Files.write(out, file);
        PrintWriter printed = spec.commandLine().getOut();
        long exported = Onnx.ModelProto.parseFrom(file).getModelVersion(); // the deployed one's number, when not given
        printed.printf("Exported %s version %d to %s (ONNX, %,d bytes).%n", model, exported, out, file.length);
        printed.flush();
        return 0;
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.client.ClientFunctions;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn models import}: a model file stored as a new version of a model. The one format is
 * ONNX ({@code ML_IMPORT_ONNX}): through the SQL function on H2, in this JVM for PostgreSQL, whose
 * server may run no Java.
 */
@Command(name = "import", description = "Import a model file as a new version (ML_IMPORT_ONNX): an ONNX MLP "
        + "(Gemm or MatMul+Add, Relu, Tanh, Sigmoid, Softmax), deployed if the model has no deployed version.")
final class ModelsImportCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--format", defaultValue = "onnx", description = "File format: onnx (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--model", required = true, description = "Model name; the file becomes its next version")
    String model;

    @Option(names = "--in", required = true, description = "The file to import, e.g. model.onnx")
    Path in;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        if (!format.toLowerCase(Locale.ROOT).equals("onnx")) {
            throw new CommandFailure("--format " + format + " is not a format sqlnn imports; the one is onnx");
        }
        byte[] file;
        try {
            file = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + in + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Connection c = Database.open(database.url)) {
            long version = Database.isClientSide(database.url) ? ClientFunctions.importOnnx(c, model, file)
                    : importThroughSql(c, file);
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT LAYERS, TASK, DEPLOYED FROM SQLNN.MODELS WHERE NAME = ? AND VERSION = ?")) {
                p.setString(1, model);
                p.setLong(2, version);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    out.printf("Imported %s as %s version %d (%s, %s)%s.%n", in.getFileName(), model, version,
                            rs.getString(1), rs.getString(2), rs.getBoolean(3) ? ", deployed"
                                    : "; deploy it with: SELECT ML_DEPLOY('" + model + "', " + version + ")");
                }
            }
        }
        out.flush();
        return 0;
    }

    private long importThroughSql(Connection c, byte[] file) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT ML_IMPORT_ONNX(?, ?)")) {
            p.setString(1, model);
            p.setBytes(2, file);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

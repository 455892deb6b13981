package dev.sqlnn.sql;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.onnx.OnnxExporter;
import dev.sqlnn.store.ModelRegistry;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * {@code ML_EXPORT}: a model version as an ONNX file, installed by the V7 migration. The graph and its
 * inputs and outputs are {@link OnnxExporter}'s; this checks the arguments and maps the errors.
 */
public final class ExportFunctions {

    private ExportFunctions() {
    }

    /** {@code ML_EXPORT(model)}: the deployed version as an ONNX file. */
    public static byte[] export(Connection connection, String model) throws SQLException {
        return export(connection, model, null);
    }

    /**
     * {@code ML_EXPORT(model, version)}: that version (NULL: the deployed one) as an ONNX file.
     * {@code 42704} for an unknown model or version, {@code 22023} for a NULL or malformed name,
     * {@code 0A000} for a model ONNX cannot carry.
     */
    public static byte[] export(Connection connection, String model, Long version) throws SQLException {
        String fn = "ML_EXPORT";
        return SqlErrors.call(fn, () -> {
            ModelRegistry registry = new ModelRegistry(connection);
            String name = ModelRegistry.checkName(model);
            Model m = version == null ? registry.deployed(name) : registry.version(name, version);
            return OnnxExporter.exportBytes(m);
        });
    }
}

package dev.sqlnn.call;

import dev.sqlnn.model.onnx.OnnxImporter;
import dev.sqlnn.store.ModelRegistry;

import java.sql.Connection;
import java.sql.SQLException;

/** {@code ML_IMPORT_ONNX} as every front door makes it: the same checks, messages and SQLStates. */
public final class OnnxImports {

    public static final String FUNCTION = "ML_IMPORT_ONNX";

    private OnnxImports() {
    }

    /**
     * Reads an ONNX file's bytes and stores the model as the next version of {@code model}, on the
     * caller's connection and in its transaction; deploys it when the model has no deployed version.
     * Returns the new version. Errors: {@code 0A000} an operator or form sqlnn does not import (the
     * message names the first), {@code 22023} a bad name or a file that is not a consistent ONNX model.
     */
    public static long importOnnx(Connection connection, String model, byte[] file) throws SQLException {
        return SqlErrors.call(FUNCTION, () -> {
            ModelRegistry.checkName(model);
            if (file == null) {
                throw SqlErrors.badArgument(FUNCTION, "the ONNX file is NULL; pass the bytes of a .onnx file");
            }
            OnnxImporter.Imported imported = OnnxImporter.read(file); // before any SQL: nothing is written for a refusal
            return new ModelRegistry(connection).saveImported(model, imported.model(), imported.sourceJson());
        });
    }
}

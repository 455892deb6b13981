package dev.sqlnn.sql;

import dev.sqlnn.call.OnnxImports;

import java.sql.Connection;
import java.sql.SQLException;

/** {@code ML_IMPORT_ONNX(model, blob)}: an ONNX multilayer perceptron stored as a new version of a model. */
public final class OnnxImportFunctions {

    private OnnxImportFunctions() {
    }

    /**
     * Stores the ONNX file {@code onnx} (VARBINARY or BLOB) as the next version of {@code model}, in the
     * caller's transaction, deployed when the model has no deployed version; returns the version. See
     * {@code dev.sqlnn.model.onnx.OnnxImporter} for what is accepted.
     */
    public static long importOnnx(Connection connection, String model, byte[] onnx) throws SQLException {
        return OnnxImports.importOnnx(connection, model, onnx);
    }
}

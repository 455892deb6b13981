package dev.sqlnn.pg;

import ai.onnxruntime.OrtException;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.onnx.MlpGraphs;
import dev.sqlnn.model.onnx.OnnxRuntimeScores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sqlnn.ml_import_onnx} inside a real PostgreSQL 15 with PL/Java: an ONNX digits MLP built with
 * ONNX's protobuf classes is imported in the backend (protobuf loaded into the server with sqlnn's
 * jars), scored there by {@code sqlnn.predict_proba} and {@code ml_predict} as ONNX Runtime scores it,
 * and refused there with the SQLStates of H2's {@code ML_IMPORT_ONNX}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InServerOnnxImportTest {

    private PlJavaDatabase db;

    @BeforeAll
    void create() throws SQLException {
        db = PlJavaDatabase.create();
        try (Connection c = db.connect()) {
            IdxReader.Digits test = IdxReader.bundledDigits(false);
            IdxTable.write(c, "digits_test", test.images(), test.labels());
        }
    }

    @AfterAll
    void drop() throws SQLException {
        if (db != null) db.close();
    }

    @Test
    void anImportedDigitsMlpScoresInsideTheServerAsOnnxRuntimeDoes() throws SQLException, OrtException {
        byte[] onnx = MlpGraphs.mnistMlp(5);
        try (Connection c = db.connect()) {
            try (PreparedStatement p = c.prepareStatement("SELECT sqlnn.ml_import_onnx(?, ?)")) {
                p.setString(1, "digits_onnx");
                p.setBytes(2, onnx);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    assertEquals(1L, rs.getLong(1));
                }
            }
            List<byte[]> images = new ArrayList<>();
            List<float[]> probabilities = new ArrayList<>();
            List<Integer> batch = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT image, sqlnn.predict_proba('digits_onnx', image) "
                    + "FROM digits_test WHERE id <= 300 ORDER BY id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    images.add(rs.getBytes(1));
                    Float[] boxed = (Float[]) ((Array) rs.getObject(2)).getArray();
                    float[] f = new float[boxed.length];
                    for (int i = 0; i < f.length; i++) f[i] = boxed[i];
                    probabilities.add(f);
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT prediction FROM sqlnn.ml_predict('digits_onnx', "
                    + "'SELECT id, image FROM digits_test WHERE id <= 300') ORDER BY key::int");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) batch.add(Integer.parseInt(rs.getString(1)));
            }
            float[][] expected = OnnxRuntimeScores.ofBytes(onnx, images.toArray(new byte[0][]), 1, 28, 28);
            assertEquals(expected.length, batch.size());
            double worst = 0;
            for (int r = 0; r < expected.length; r++) {
                for (int k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(expected[r][k] - probabilities.get(r)[k]));
                assertEquals(argMax(expected[r]), argMax(probabilities.get(r)), "the class of row " + r);
                assertEquals(argMax(probabilities.get(r)), batch.get(r), "ml_predict's class of row " + r);
            }
            assertTrue(worst <= 1e-5, "sqlnn.predict_proba differs from ONNX Runtime by " + worst);
        }
    }

    @Test
    void refusalsCarryTheSqlStatesOfH2() throws SQLException {
        byte[] conv = MlpGraphs.floatInput("x", 1, 1, 8, 8).initializer("kernel", 4, 1, 3, 3)
                .operator("Conv", "conv1", "kernel").flatten().gemm(3, true).softmax().bytes();
        try (Connection c = db.connect()) {
            SQLException unsupported = assertThrows(SQLException.class, () -> importOnnx(c, conv));
            assertEquals("0A000", unsupported.getSQLState(), unsupported.getMessage());
            assertTrue(unsupported.getMessage().contains("ML_IMPORT_ONNX: operator Conv (node 'conv1') is not supported"),
                    unsupported.getMessage());
            SQLException garbage = assertThrows(SQLException.class, () -> importOnnx(c, "not onnx".getBytes()));
            assertEquals("22023", garbage.getSQLState(), garbage.getMessage());
        }
    }

    private static void importOnnx(Connection c, byte[] onnx) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT sqlnn.ml_import_onnx('refused', ?)")) {
            p.setBytes(1, onnx);
            p.executeQuery().close();
        }
    }

    private static int argMax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}

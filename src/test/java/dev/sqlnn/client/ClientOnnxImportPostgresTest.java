package dev.sqlnn.client;

import ai.onnxruntime.OrtException;
import dev.sqlnn.PostgresTestDatabase;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.model.onnx.MlpGraphs;
import dev.sqlnn.model.onnx.OnnxRuntimeScores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_IMPORT_ONNX} by the client engine into a PostgreSQL server that runs no Java: the model row
 * lands in {@code sqlnn.models}, deployed, and scores as ONNX Runtime does once copied to H2; a refused
 * file writes nothing.
 */
class ClientOnnxImportPostgresTest {

    private PostgresTestDatabase database;
    private Connection pg;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = PostgresTestDatabase.create();
        pg = database.connect();
        Sqlnn.install(pg);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (pg != null) pg.close();
        if (database != null) database.close();
    }

    @Test
    void anImportedGraphIsAVersionInPostgresThatScoresAsOnnxRuntimeDoes() throws SQLException, OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 4).matMulAdd(16).tanh().matMulAdd(3).softmax().bytes();
        assertEquals(1L, ClientFunctions.importOnnx(pg, "flowers", onnx));
        try (Statement s = pg.createStatement();
             ResultSet rs = s.executeQuery("SELECT task, layers, deployed FROM sqlnn.models WHERE name = 'flowers'")) {
            assertTrue(rs.next());
            assertEquals("classification", rs.getString(1));
            assertEquals("4-16-3", rs.getString(2));
            assertTrue(rs.getBoolean(3));
        }
        SQLException refused = assertThrows(SQLException.class, () -> ClientFunctions.importOnnx(pg, "flowers",
                MlpGraphs.floatInput("x", 4).gemm(8, true).leakyRelu(0.2f).gemm(2, true).softmax().bytes()));
        assertEquals("0A000", refused.getSQLState(), refused.getMessage());

        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:onnx-" + UUID.randomUUID())) {
            Sqlnn.install(h2);
            assertEquals(1L, ClientFunctions.copyModel(pg, h2, "flowers", null), "one version: the refused one left nothing");
            float[] expected = OnnxRuntimeScores.ofFloats(onnx, new float[][] {{6.3f, 2.9f, 5.6f, 1.8f}})[0];
            try (Statement s = h2.createStatement();
                 ResultSet rs = s.executeQuery("SELECT PREDICT_PROBA('flowers', ARRAY[6.3, 2.9, 5.6, 1.8])")) {
                rs.next();
                Object[] p = (Object[]) ((Array) rs.getObject(1)).getArray();
                for (int i = 0; i < expected.length; i++) assertEquals(expected[i], ((Number) p[i]).floatValue(), 1e-5);
            }
        }
    }
}

package dev.sqlnn.cli;

import ai.onnxruntime.OrtException;
import dev.sqlnn.model.onnx.MlpGraphs;
import dev.sqlnn.model.onnx.OnnxRuntimeScores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sqlnn models import --format onnx}: an ONNX file from disk becomes a version that PREDICT_PROBA scores as ONNX Runtime does. */
class ModelsImportCommandTest {

    @TempDir
    Path dir;
    private String url;
    private Connection keep;

    @BeforeEach
    void database() throws SQLException {
        url = "jdbc:h2:mem:cli-onnx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        keep = DriverManager.getConnection(url);
    }

    @AfterEach
    void close() throws SQLException {
        try (Statement s = keep.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            keep.close();
        }
    }

    @Test
    void anOnnxFileBecomesADeployedVersionThatScoresAsOnnxRuntimeDoes() throws IOException, SQLException, OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 4).gemm(16, true).relu().gemm(3, true).softmax().bytes();
        Path file = Files.write(dir.resolve("iris.onnx"), onnx);
        CliRun run = CliRun.of("models", "import", "--url", url, "--format", "onnx", "--model", "iris", "--in", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Imported iris.onnx as iris version 1 (4-16-3, classification), deployed."), run::toString);

        CliRun again = CliRun.of("models", "import", "--url", url, "--model", "iris", "--in", file.toString());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("as iris version 2 (4-16-3, classification); deploy it with: "
                + "SELECT ML_DEPLOY('iris', 2)"), again::toString);

        float[] expected = OnnxRuntimeScores.ofFloats(onnx, new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}})[0];
        try (Statement s = keep.createStatement();
             ResultSet rs = s.executeQuery("SELECT PREDICT_PROBA('iris', ARRAY[5.1, 3.5, 1.4, 0.2])")) {
            rs.next();
            Object[] p = (Object[]) ((Array) rs.getObject(1)).getArray();
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], ((Number) p[i]).floatValue(), 1e-5);
        }
    }

    @Test
    void whatCannotBeImportedFailsWithTheReason() throws IOException {
        Path conv = Files.write(dir.resolve("cnn.onnx"), MlpGraphs.floatInput("x", 1, 1, 8, 8)
                .initializer("kernel", 4, 1, 3, 3).operator("Conv", "conv1", "kernel").flatten().gemm(3, true).softmax()
                .bytes());
        CliRun run = CliRun.of("models", "import", "--url", url, "--model", "cnn", "--in", conv.toString());
        assertNotEquals(0, run.exitCode(), run::toString);
        assertTrue(run.err().contains("operator Conv (node 'conv1') is not supported"), run::toString);

        CliRun format = CliRun.of("models", "import", "--url", url, "--format", "pmml", "--model", "m", "--in", conv.toString());
        assertNotEquals(0, format.exitCode(), format::toString);
        assertTrue(format.err().contains("--format pmml is not a format sqlnn imports; the one is onnx"), format::toString);

        CliRun missing = CliRun.of("models", "import", "--url", url, "--model", "m", "--in", dir.resolve("none.onnx").toString());
        assertNotEquals(0, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("cannot read"), missing::toString);
    }
}

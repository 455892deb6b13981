package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.model.onnx.OnnxRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sqlnn models export}: the file it writes is {@code ML_EXPORT}'s, and ONNX Runtime scores
 * with it what {@code PREDICT_PROBA} scores; an unknown model or format fails clearly.
 */
class ModelsExportCommandTest {

    private String url;
    private Connection keep;

    @BeforeEach
    void aTrainedModel() throws SQLException {
        url = "jdbc:h2:mem:cli-export-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        keep = DriverManager.getConnection(url);
        Sqlnn.install(keep);
        try (Statement s = keep.createStatement()) {
            s.execute("CREATE TABLE pts AS SELECT X AS id, CAST(MOD(X, 3) AS INT) AS y, (MOD(X, 3) - 1) * 3 + RAND(7) AS a,"
                    + " RAND() + CASE WHEN MOD(X, 3) = 1 THEN 3 ELSE 0 END AS b,"
                    + " CASE MOD(X, 4) WHEN 0 THEN 'red' WHEN 1 THEN 'blue' WHEN 2 THEN NULL ELSE 'green' END AS colour"
                    + " FROM SYSTEM_RANGE(1, 300)");
        }
        CliRun run = CliRun.of("train", "--url", url, "--model", "pts", "--query", "SELECT a, b, colour, y FROM pts",
                "--options", "{\"hidden\":[8],\"epochs\":5,\"learning_rate\":0.01}");
        assertEquals(0, run.exitCode(), run::toString);
    }

    @AfterEach
    void dropIt() throws SQLException {
        try (Statement s = keep.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            keep.close();
        }
    }

    @Test
    void exportWritesMlExportsFileWhichOnnxRuntimeScoresLikePredictProba(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pts.onnx");
        CliRun run = CliRun.of("models", "export", "--url", url, "--model", "pts", "--format", "onnx", "--out", file.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Exported pts version 1 to " + file + " (ONNX, "), run::toString);
        byte[] written = Files.readAllBytes(file);

        List<float[]> expected = new ArrayList<>();
        List<Object[]> features = new ArrayList<>();
        try (Statement s = keep.createStatement(); ResultSet rs = s.executeQuery("SELECT ML_EXPORT('pts', 1)")) {
            assertTrue(rs.next());
            assertArrayEquals(rs.getBytes(1), written, "the file is ML_EXPORT's");
        }
        try (Statement s = keep.createStatement();
             ResultSet rs = s.executeQuery("SELECT a, b, colour, PREDICT_PROBA('pts', a, b, colour) FROM pts ORDER BY id")) {
            while (rs.next()) {
                features.add(new Object[] {rs.getFloat(1), rs.getFloat(2), rs.getString(3)});
                Object[] p3 = (Object[]) rs.getArray(4).getArray();
                float[] probabilities = new float[p3.length];
                for (int k = 0; k < p3.length; k++) probabilities[k] = ((Number) p3[k]).floatValue();
                expected.add(probabilities);
            }
        }
        float[][] a = new float[features.size()][1];
        float[][] b = new float[features.size()][1];
        String[] colour = new String[features.size()];
        for (int i = 0; i < features.size(); i++) {
            a[i][0] = (Float) features.get(i)[0];
            b[i][0] = (Float) features.get(i)[1];
            colour[i] = features.get(i)[2] == null ? "" : (String) features.get(i)[2];
        }
        try (OnnxRun onnx = new OnnxRun(written)) {
            Map<String, Object> out = onnx.floats("A", a).floats("B", b).strings("COLOUR", colour).run();
            float[][] probabilities = (float[][]) out.get("probabilities");
            for (int i = 0; i < probabilities.length; i++) {
                for (int k = 0; k < 3; k++) assertEquals(expected.get(i)[k], probabilities[i][k], 1e-5, "row " + i);
            }
        }
    }

    @Test
    void anUnknownModelOrVersionOrFormatFailsClearly(@TempDir Path dir) {
        Path file = dir.resolve("x.onnx");
        CliRun run = CliRun.of("models", "export", "--url", url, "--model", "nope", "--out", file.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("sqlnn models export: there is no deployed version of a model named nope in " + url
                + "; list them with: sqlnn models --url '" + url + "'" + System.lineSeparator(), run.err());
        run = CliRun.of("models", "export", "--url", url, "--model", "pts", "--version", "9", "--out", file.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("there is no version 9 of a model named pts"), run::toString);
        run = CliRun.of("models", "export", "--url", url, "--model", "pts", "--format", "pmml", "--out", file.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("onnx"), run::toString);
        assertFalse(Files.exists(file), "nothing written");
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.PostgresTestDatabase;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sqlnn spark train} on the databases users have: an embedded H2 file, whose rows the executors
 * read through H2's AUTO_SERVER while the driver holds it open, and PostgreSQL, where the saved model
 * then scores with the client engine. Runs the command line in this JVM, on {@code local[2]}.
 */
class SparkCommandTest {

    @Test
    void trainsFromAnH2FileIntoIt(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:" + dir.resolve("digits");
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            IdxReader.Digits digits = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", digits.images(), digits.labels());
        }
        CliRun run = CliRun.of("spark", "train", "--master", "local[2]",
                "--url", url, "--model", "digits", "--query", "SELECT id, image, label FROM digits",
                "--partition-column", "id", "--partitions", "2", "--options", "{\"hidden\":[32],\"epochs\":4}");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("2 partitions"), run.out());
        assertTrue(run.out().contains("Saved digits version 1"), run.out());
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT INPUT_WIDTH, LAYERS, TRAIN_ROWS FROM SQLNN.MODELS WHERE NAME = 'digits'")) {
            assertTrue(rs.next());
            assertEquals(784, rs.getInt(1), "the partition column is not a feature");
            assertEquals("784-32-10", rs.getString(2));
            assertEquals(1800, rs.getLong(3), "both partitions' rows, less the validation share");
        }
    }

    @Test
    void trainsFromPostgresIntoIt() throws Exception {
        try (PostgresTestDatabase pg = PostgresTestDatabase.create(); Connection c = pg.connect()) {
            Sqlnn.install(c);
            IdxReader.Digits digits = IdxReader.bundledDigits(false);
            IdxTable.write(c, "digits", digits.images(), digits.labels());
            CliRun run = CliRun.of("spark", "train", "--master", "local[2]",
                    "--url", pg.url(), "--model", "pg_digits", "--query", "SELECT image, label FROM digits",
                    "--partitions", "2", "--options", "{\"hidden\":[32],\"epochs\":4}");
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(2000L, Sqlnn.predictInto(c, "pg_digits", "SELECT id, image FROM digits", "scored"));
        }
    }

    /** Executors without the Vector API module compute on scalar kernels, and the driver says so once. */
    @Test
    void executorsWithoutTheVectorApiRunScalarAndTheDriverSaysSoOnce(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:" + dir.resolve("digits");
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            IdxReader.Digits digits = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", digits.images(), digits.labels());
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(dev.sqlnn.spark.SparkJvm.options()); // Spark's, not the Vector API
        String classPath = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + java.nio.file.Files.readString(Path.of("target", "classpath", "spark.txt")).trim() + java.io.File.pathSeparator
                + java.nio.file.Files.readString(Path.of("target", "classpath", "runtime.txt")).trim();
        command.addAll(java.util.List.of("-cp", classPath, "dev.sqlnn.cli.Main", "spark", "train", "--master", "local[1]",
                "--url", url, "--model", "scalar", "--query", "SELECT image, label FROM digits", "--partitions", "1",
                "--options", "{\"hidden\":[8],\"epochs\":2}"));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES));
        String out = java.nio.file.Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertEquals(1, out.split("an executor computes on scalar kernels", -1).length - 1, out);
        assertTrue(out.contains("Saved scalar version 1"), out);
    }
}

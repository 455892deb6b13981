package dev.sqlnn.spark;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged fat jar under spark-submit, as a user with a Spark installation runs it: Spark's own
 * launcher ({@code org.apache.spark.deploy.SparkSubmit}, what the spark-submit script runs) on Spark's
 * jars, with {@code --class dev.sqlnn.cli.Main target/sqlnn-all.jar spark train ...} and no --master of
 * sqlnn's own. Runs after {@code package} (failsafe).
 */
class SparkSubmitIT {

    @Test
    void sparkSubmitRunsTheFatJarsSparkTrain(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:" + dir.resolve("digits");
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            IdxReader.Digits digits = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", digits.images(), digits.labels());
        }
        Path jar = Path.of("target", "sqlnn-all.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "the fat jar is packaged before integration tests");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(StandaloneCluster.jvmOptions());
        command.addAll(List.of("-cp", Files.readString(Path.of("target", "classpath", "spark.txt")).trim()
                        + java.io.File.pathSeparator + Files.readString(Path.of("target", "classpath", "runtime.txt")).trim(),
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--class", "dev.sqlnn.cli.Main", jar.toString(),
                "spark", "train", "--url", url + ";USER=sa;PASSWORD=", "--model", "submitted",
                "--query", "SELECT id, image, label FROM digits", "--partition-column", "id", "--partitions", "2",
                "--options", "{\"hidden\":[16],\"epochs\":2}"));
        Path log = dir.resolve("spark-submit.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit finished");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Training submitted on Spark (local[2], 2 partitions)"), out);
        assertTrue(out.contains("Saved submitted version 1"), out);
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT LAYERS FROM SQLNN.MODELS WHERE NAME = 'submitted'")) {
            assertTrue(rs.next());
            assertEquals("784-16-10", rs.getString(1));
        }
    }
}

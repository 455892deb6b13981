package dev.sqlnn.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark is provided, not a dependency of sqlnn: sqlnn's runtime class path (what an application that
 * depends on sqlnn gets, listed by the build) holds no Spark, and the embedded demo runs on it, in a
 * JVM of its own; without Spark, {@code sqlnn spark} says how to get it.
 */
class SparkFreeCoreTest {

    @Test
    void theDemoRunsWithoutSpark(@TempDir Path dir) throws Exception {
        String runtime = Files.readString(Paths.get("target", "classpath", "runtime.txt")).trim();
        assertFalse(runtime.contains("spark"), "Spark on sqlnn's runtime class path: " + runtime);
        assertFalse(runtime.contains("scala-library"), runtime);
        String classPath = Paths.get("target", "classes").toAbsolutePath() + java.io.File.pathSeparator + runtime;

        Run demo = run(dir, classPath, "demo", "--url", "jdbc:h2:" + dir.resolve("demo"), "--epochs", "1");
        assertEquals(0, demo.code(), demo.output());
        assertTrue(demo.output().contains("accuracy"), demo.output());

        Run spark = run(dir, classPath, "spark", "train", "--url", "jdbc:h2:" + dir.resolve("demo"), "--model", "m",
                "--query", "SELECT image, label FROM digits");
        assertEquals(1, spark.code(), spark.output());
        assertTrue(spark.output().contains("Spark is not on the class path: run bin/sqlnn spark train"), spark.output());
    }

    private record Run(int code, String output) {
    }

    private static Run run(Path dir, String classPath, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", classPath, "dev.sqlnn.cli.Main"));
        command.addAll(List.of(args));
        Path log = dir.resolve("out-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished");
        return new Run(p.exitValue(), Files.readString(log));
    }
}

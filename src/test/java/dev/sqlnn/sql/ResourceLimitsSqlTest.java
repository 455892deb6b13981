package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trainings that would not fit the heap are refused with SQLState 53200 before they allocate, and the
 * JVM, which may be an application's, goes on working.
 */
class ResourceLimitsSqlTest extends SqlTestSupport {

    private static final String GOOD_QUERY = "SELECT a, b, y FROM blobs";

    @BeforeEach
    void createTheBlobs() throws SQLException {
        createBlobs("blobs", 300, 31);
    }

    @Test
    void aNetworkLargerThanTheHeapIsRefusedBeforeTraining() throws SQLException {
        assertFails("53200", "ML_TRAIN", // which also checks that nothing was written
                "SELECT ML_TRAIN('huge', 'SELECT a, b, y FROM blobs', '{\"hidden\":[65536, 65536, 65536]}')",
                "a network of 2-65536-65536-65536-3 has 8,590,458,883 parameters and needs about");
        // The same JVM trains a network that fits at once.
        assertEquals(1L, train("fits", GOOD_QUERY, QUICK));
    }

    @Test
    void aBatchWhoseActivationsWouldNotFitIsRefused() throws SQLException {
        // 2-65536-3 has only 393,219 parameters, but 12,000 rows in one batch need ~9 GB of activations.
        assertFails("53200", "ML_TRAIN", "SELECT ML_TRAIN('wide', 'SELECT a, b, y FROM blobs, SYSTEM_RANGE(1, 40)',"
                + " '{\"hidden\":[65536],\"batch_size\":1048576}')", "has 393,219 parameters", "Use smaller hidden layers");
    }

    /**
     * 150,000 images of 784 bytes (112 MB) asked of a JVM with a 96 MB heap: the read stops at the
     * share of the heap training rows may take, with SQLState 53200 and the row it reached; the
     * next training in the same JVM works.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTrainingQueryLargerThanTheHeapIsRefusedAndTheJvmLivesOn() throws Exception {
        String tooMany = "SELECT ML_TRAIN('big', 'SELECT SECURE_RAND(784) AS image, MOD(X, 10) AS label"
                + " FROM SYSTEM_RANGE(1, 150000)', '{\"hidden\":[8],\"epochs\":1}')";
        String fewer = "SELECT ML_TRAIN('small', 'SELECT SECURE_RAND(784) AS image, MOD(X, 10) AS label"
                + " FROM SYSTEM_RANGE(1, 2000)', '{\"hidden\":[8],\"epochs\":1}')";
        List<String> lines = runWithHeap("96m", tooMany, fewer);

        assertEquals(3, lines.size(), String.join("\n", lines));
        String refusal = lines.get(0);
        assertTrue(refusal.startsWith("error 53200 ML_TRAIN: the training query's rows do not fit in memory: at row "),
                refusal);
        assertTrue(refusal.contains("of this JVM's 96 MB heap"), refusal);
        assertEquals("ok 1", lines.get(1), "the JVM trains again at once");
        assertEquals("alive", lines.get(2));
    }

    /** Runs {@link SqlProcess} with the given maximum heap and returns its result lines. */
    private static List<String> runWithHeap(String heap, String... queries) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                SqlProcess.class.getName()));
        command.addAll(List.of(queries));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), "the JVM ended normally, not by an OutOfMemoryError:\n" + output);
        return output.lines().filter(l -> l.startsWith("ok ") || l.startsWith("error ") || l.equals("alive")).toList();
    }
}

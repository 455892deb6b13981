package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live training history in a database file ({@code jdbc:h2:file:}), the default for users; and what a
 * training whose JVM dies in the middle keeps of it.
 */
class LiveTrainingFileSqlTest extends LiveTrainingSqlTestBase {

    @TempDir
    Path directory;

    @Override
    String freshDatabaseUrl() {
        return "jdbc:h2:file:" + directory.resolve("sqlnn");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theLogOfATrainingWhoseJvmDiedStaysAndTheNextTrainingMarksItsRunAbandoned() throws Exception {
        execute("SHUTDOWN"); // the database is the other JVM's now
        // Commits written to the file as they are made (H2 otherwise waits up to half a second), so
        // that what the watcher saw committed is what a kill leaves, without waiting for the writer.
        String shared = url + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        Process other = startTraining(shared, "cut", ENDLESS);
        try {
            watcher = DriverManager.getConnection(shared); // through the other JVM, which holds the file
            awaitWatcher(other, () -> count(watcher, LOG_ROWS_OF, "cut") >= 2);
            assertEquals("running", rows(watcher, STATUS_OF, "cut", 1).get(0)[0]);
        } finally {
            other.destroyForcibly(); // no clean-up, no further writes
            other.waitFor(60, TimeUnit.SECONDS);
            watcher.close();
        }

        connection = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1");
        watcher = DriverManager.getConnection(url);
        long kept = count(LOG_ROWS_OF, "cut");
        assertTrue(kept >= 2, "the epochs committed before the JVM died are kept: " + kept);
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'cut'"));
        assertEquals("running", value(STATUS_OF, "cut", 1), "nothing ran after the death to say otherwise");
        List<Object[]> info = rows(watcher, "SELECT VERSION, EPOCH FROM ML_TRAINING_INFO('cut')");
        assertEquals(kept, info.size());
        assertTrue(info.stream().allMatch(r -> r[0].equals(1L)));

        assertEquals(2L, train("cut", ON_BLOBS, QUICK), "version 1 is not given again");
        assertEquals("abandoned", value(STATUS_OF, "cut", 1));
        assertEquals("saved", value(STATUS_OF, "cut", 2));
        assertEquals(kept, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'cut' AND VERSION = 1"));
        assertEquals(1, value("SELECT ML_DROP('cut')"));
        assertEquals(new Counts(0, 0, 0, 1, 0), counts(watcher), "only the deployment history stays");
    }

    /** Starts {@link TrainingProcess} and returns once it holds the database open. */
    private static Process startTraining(String url, String model, String options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), TrainingProcess.class.getName(),
                url, model, ON_BLOBS, options)
                .redirectErrorStream(true)
                .start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        String line;
        while ((line = output.readLine()) != null && !line.equals("open")) {
            // the JVM's warnings and the log of the other JVM's start
        }
        assertEquals("open", line, "the other JVM ended before it opened the database");
        // Keep reading, or the other JVM would block once the pipe is full.
        Thread drain = new Thread(() -> output.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    /** Polls until {@code check} holds; fails when the other JVM ends first or after two minutes. */
    private static void awaitWatcher(Process other, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!check.holds()) {
            assertTrue(other.isAlive(), "the other JVM ended before the watcher saw what it waited for");
            assertTrue(System.nanoTime() < deadline, "the watcher waited two minutes in vain");
            Thread.sleep(10);
        }
    }
}

package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live training history in a database file ({@code jdbc:h2:file:}), the default for users; and what a
 * database that stops in the middle of a training keeps of it.
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
    void aDatabaseStoppedMidTrainingKeepsTheLogOfTheCutRunWhichTheNextTrainingMarksAbandoned() throws Exception {
        Future<SQLException> training = inBackground(() -> assertThrows(SQLException.class,
                () -> train("cut", ON_BLOBS, ENDLESS)));
        awaitWatcher(training, () -> count(watcher, LOG_ROWS_OF, "cut") >= 2);
        Thread.sleep(2000); // H2 writes what was committed to the file within a second
        try (Statement s = watcher.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY"); // as if the JVM had died: no clean-up, no further writes
        }
        training.get(120, TimeUnit.SECONDS);

        watcher = DriverManager.getConnection(url);
        connection = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1");
        long kept = count(LOG_ROWS_OF, "cut");
        assertTrue(kept >= 2, "the epochs committed before the stop are kept: " + kept);
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'cut'"));
        assertEquals("running", value(STATUS_OF, "cut", 1), "nothing ran after the stop to say otherwise");
        List<Object[]> info = rows(watcher, "SELECT VERSION, EPOCH FROM ML_TRAINING_INFO('cut')");
        assertEquals(kept, info.size());
        assertTrue(info.stream().allMatch(r -> r[0].equals(1L)));

        assertEquals(2L, train("cut", ON_BLOBS, QUICK), "version 1 is not given again");
        assertEquals("abandoned", value(STATUS_OF, "cut", 1));
        assertEquals("saved", value(STATUS_OF, "cut", 2));
        assertEquals(kept, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'cut' AND VERSION = 1"));
        assertEquals(1, value("SELECT ML_DROP('cut')"));
        assertEquals(new Counts(0, 0, 0, 1), counts(watcher), "only the deployment history stays");
    }
}

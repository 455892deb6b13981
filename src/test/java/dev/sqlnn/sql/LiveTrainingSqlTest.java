package dev.sqlnn.sql;

import dev.sqlnn.Sqlnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Live training history in an in-memory database; and how the log, kept outside the caller's
 * transaction, relates to the model row, kept inside it.
 */
class LiveTrainingSqlTest extends LiveTrainingSqlTestBase {

    @Test
    void aRolledBackModelLeavesItsLogAndItsVersionIsNotGivenAgain() throws SQLException {
        connection.setAutoCommit(false);
        assertEquals(1L, train("m", ON_BLOBS, QUICK));
        // The log is committed already; the model row and its run's last word wait for the caller's commit.
        assertEquals(15L, count(watcher, LOG_ROWS_OF, "m"));
        assertEquals(0L, count(watcher, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals("unsaved", rows(watcher, STATUS_OF, "m", 1).get(0)[0]);
        assertEquals("saved", value(STATUS_OF, "m", 1));

        connection.rollback();

        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals(15L, count(LOG_ROWS_OF, "m"), "like a sequence, the log does not roll back");
        assertEquals("unsaved", value(STATUS_OF, "m", 1));
        assertEquals(15, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('m', 1)").size());

        assertEquals(2L, train("m", ON_BLOBS, QUICK));
        connection.commit();
        assertEquals("unsaved", value(STATUS_OF, "m", 1));
        assertEquals("saved", value(STATUS_OF, "m", 2));
        assertEquals(30, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('m')").size());

        assertEquals(1, value("SELECT ML_DROP('m')"), "one version; the log of the unsaved one goes too");
        connection.commit();
        assertEquals(0L, count(watcher, LOG_ROWS_OF, "m"));
        assertEquals(0L, count(watcher, RUNS_OF, "m"));
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('m')", "model m does not exist");
        connection.setAutoCommit(true);
    }

    @Test
    void theLogOfARunCutShortStaysVisibleAndItsVersionIsNotGivenAgain() throws SQLException {
        // What a JVM that died in the third epoch of version 1 leaves behind.
        execute("INSERT INTO SQLNN.TRAINING_RUNS (NAME, VERSION, STATUS) VALUES ('m', 1, 'running')");
        execute("INSERT INTO SQLNN.TRAINING_LOG VALUES ('m', 1, 1, 0.9, 0.8, 0.5, 0.001, 1.5, 2000),"
                + " ('m', 1, 2, 0.7, 0.6, 0.7, 0.001, 1.5, 2000)");
        assertEquals(2, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('m')").size());
        assertEquals(2, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('m', 1)").size());
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('m', 2)", "model m has no version 2");

        assertEquals(2L, train("m", ON_BLOBS, QUICK));
        assertEquals("abandoned", value(STATUS_OF, "m", 1));
        assertEquals("saved", value(STATUS_OF, "m", 2));
        assertEquals(List.of(1L, 1L), rows("SELECT VERSION FROM ML_TRAINING_INFO('m') WHERE VERSION = 1").stream()
                .map(r -> r[0]).toList());

        // A log without a run (its run row lost) also keeps its version.
        execute("INSERT INTO SQLNN.TRAINING_LOG VALUES ('m', 7, 1, 0.9, 0.8, 0.5, 0.001, 1.5, 2000)");
        assertEquals(8L, train("m", ON_BLOBS, QUICK));
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDropFromAnotherConnectionSparesTheTrainingUnderWay() throws Exception {
        assertEquals(1L, train("m", ON_BLOBS, QUICK));
        try (Statement statement = connection.createStatement()) {
            Future<SQLException> training = failingInBackground(statement, "m", ENDLESS);
            awaitWatcher(training, () -> count(watcher, "SELECT COUNT(*) FROM SQLNN.TRAINING_LOG"
                    + " WHERE NAME = 'm' AND VERSION = 2") >= 1);

            assertEquals(1, rows(watcher, "SELECT ML_DROP('m')").get(0)[0]);
            assertEquals(List.of(2L), rows(watcher, "SELECT DISTINCT VERSION FROM ML_TRAINING_INFO('m')").stream()
                    .map(r -> r[0]).toList(), "version 1 went; the log of version 2 goes on");
            assertEquals("running", rows(watcher, STATUS_OF, "m", 2).get(0)[0]);

            assertStopsSoon(statement, training);
        }
        assertEquals(new Counts(0, 0, 0, 1, 0), counts(watcher));
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('m')", "model m does not exist");
    }

    @Test
    void underSetExclusiveTheLogIsWrittenWithTheModel() throws SQLException {
        // Every other session waits for an exclusive one: a side session would wait for its own caller.
        execute("SET EXCLUSIVE 1");
        try {
            assertEquals(1L, train("m", ON_BLOBS, QUICK));
            assertEquals(15L, count(LOG_ROWS_OF, "m"));
            assertEquals("saved", value(STATUS_OF, "m", 1));
        } finally {
            execute("SET EXCLUSIVE 0");
        }
        assertEquals(15, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('m')").size());
    }

    @Test
    void worksWhereTheDatabaseFoldsNamesToLowerCase() throws SQLException {
        String lowerUrl = "jdbc:h2:mem:live-lower-" + UUID.randomUUID() + ";DATABASE_TO_LOWER=TRUE";
        try (Connection lower = DriverManager.getConnection(lowerUrl); Statement s = lower.createStatement()) {
            Sqlnn.install(lower);
            s.execute("CREATE TABLE points (a DOUBLE PRECISION, y INT)");
            s.execute("INSERT INTO points SELECT r.\"X\", MOD(r.\"X\", 2) FROM SYSTEM_RANGE(1, 200) r");
            assertEquals(1L, rows(lower, "SELECT ML_TRAIN('m', 'SELECT a, y FROM points', ?)",
                    "{\"hidden\":[4],\"epochs\":3}").get(0)[0]);
            assertEquals(3, rows(lower, "SELECT * FROM ML_TRAINING_INFO('m')").size());
            assertEquals("saved", rows(lower, "SELECT status FROM sqlnn.training_runs WHERE name = 'm'").get(0)[0]);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void trainingsOfOneNameAtOnceGetVersionsOfTheirOwn() throws Exception {
        String options = "{\"hidden\":[256, 256],\"epochs\":4}";
        try (Connection other = DriverManager.getConnection(url)) {
            Future<Long> first = inBackground(() -> train("twin", ON_BLOBS, options));
            Future<Long> second = inBackground(() -> (Long) rows(other, "SELECT ML_TRAIN('twin', ?, ?)",
                    ON_BLOBS, options).get(0)[0]);
            assertEquals(Set.of(1L, 2L), Set.of(first.get(), second.get()));
        }
        for (long version = 1; version <= 2; version++) {
            assertEquals(4, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('twin', " + version + ")").size());
            assertEquals("saved", rows(watcher, STATUS_OF, "twin", version).get(0)[0]);
        }
        assertEquals(2L, count(watcher, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'twin'"));
        assertEquals(8, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('twin')").size());
    }
}

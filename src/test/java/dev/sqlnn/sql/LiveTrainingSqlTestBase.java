package dev.sqlnn.sql;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code ML_TRAIN}'s history is live: while the test's connection trains in a background thread, a
 * second connection to the same database (the watcher) sees each epoch's row in
 * {@code SQLNN.TRAINING_LOG} and in {@code ML_TRAINING_INFO} as soon as the epoch ends, before
 * {@code ML_TRAIN} returns and before the model row exists; and a training that fails, is cancelled
 * or times out takes its rows back. The subclasses run this against each kind of database: in memory,
 * and in a file, the default for users.
 *
 * <p>No listener inside the JVM: the watcher only polls with SQL. Bounds on time are generous, since
 * the machine may be busy with other work.
 */
abstract class LiveTrainingSqlTestBase extends SqlTestSupport {

    static final String ON_BLOBS = "SELECT a, b, y FROM blobs";
    static final int WATCHED_EPOCHS = 6;
    /** Epochs of a few hundred milliseconds each, once warm: long enough to watch, short enough to wait for. */
    static final String WATCHED = "{\"hidden\":[1024, 1024],\"epochs\":" + WATCHED_EPOCHS
            + ",\"learning_rate\":0.001}";
    /** Seconds per epoch and a mini-batch of about 0.1 s; far too many epochs to end: only a stop ends it. */
    static final String HEAVY = "{\"hidden\":[2048, 2048],\"epochs\":1000}";
    /** Epochs of a fraction of a second, and too many to end. */
    static final String ENDLESS = "{\"hidden\":[512, 512],\"epochs\":1000}";
    /** How soon a stop must take effect: a mini-batch of the heavy network, and the clean-up, with room. */
    static final double STOPS_WITHIN_SECONDS = 2;

    /** The log of version 1 of a model, in the columns of {@code ML_TRAINING_INFO} after VERSION. */
    static final String LOG_OF = "SELECT EPOCH, TRAIN_LOSS, VALIDATION_LOSS, VALIDATION_METRIC, LEARNING_RATE,"
            + " SECONDS, ROWS_PER_SECOND FROM SQLNN.TRAINING_LOG WHERE NAME = ? AND VERSION = 1 ORDER BY EPOCH";
    static final String LOG_ROWS_OF = "SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = ?";
    static final String RUNS_OF = "SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS WHERE NAME = ?";
    static final String STATUS_OF = "SELECT STATUS FROM SQLNN.TRAINING_RUNS WHERE NAME = ? AND VERSION = ?";

    private static boolean warm;

    final ExecutorService background = Executors.newCachedThreadPool();
    /** The second connection, which follows the trainings. */
    Connection watcher;

    @BeforeEach
    void blobsAndAWatcher() throws SQLException {
        createBlobs("blobs", 3000, 41);
        watcher = DriverManager.getConnection(url);
    }

    @AfterEach
    void closeTheWatcher() throws SQLException {
        background.shutdownNow();
        watcher.close();
    }

    // ---------------------------------------------------------------- watching

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eachEpochAppearsToAnotherConnectionAsItEnds() throws Exception {
        Future<Long> training = background.submit(() -> train("live", ON_BLOBS, WATCHED));
        List<List<Object[]>> seen = new ArrayList<>(); // each new state of the log, while ML_TRAIN ran
        while (true) {
            List<Object[]> log = rows(watcher, LOG_OF, "live");
            List<Object[]> info = log.isEmpty() ? List.of() : rows(watcher, "SELECT * FROM ML_TRAINING_INFO('live')");
            long models = count(watcher, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'live'");
            if (training.isDone()) break; // this look may come after the end: only the earlier ones count
            assertPlausibleLog(log.size(), log);
            if (log.size() < WATCHED_EPOCHS) assertEquals(0, models, "no model row before the last epoch");
            assertTrue(info.size() >= log.size(), "ML_TRAINING_INFO, read after the table, has all its rows");
            for (int e = 0; e < log.size(); e++) {
                assertEquals(1L, info.get(e)[0], "version");
                assertArrayEquals(log.get(e), Arrays.copyOfRange(info.get(e), 1, 8), "ML_TRAINING_INFO row");
            }
            if (seen.isEmpty() || seen.get(seen.size() - 1).size() != log.size()) seen.add(log);
            Thread.sleep(10);
        }
        assertEquals(1L, training.get());

        List<Integer> sizes = seen.stream().map(List::size).toList();
        for (int i = 1; i < sizes.size(); i++) {
            assertTrue(sizes.get(i) > sizes.get(i - 1), "the log only grows: " + sizes);
        }
        long partial = sizes.stream().filter(n -> n > 0 && n < WATCHED_EPOCHS).count();
        assertTrue(partial >= 3, "the epochs arrive one by one, before ML_TRAIN returns: " + sizes);

        List<Object[]> log = rows(watcher, LOG_OF, "live");
        assertPlausibleLog(WATCHED_EPOCHS, log);
        for (List<Object[]> state : seen) {
            for (int e = 0; e < state.size(); e++) assertArrayEquals(state.get(e), log.get(e), "a row seen live stays");
        }
        assertTrue((Double) log.get(WATCHED_EPOCHS - 1)[1] < (Double) log.get(0)[1], "the training loss decreases");
        assertEquals(WATCHED_EPOCHS, rows(watcher, "SELECT * FROM ML_TRAINING_INFO('live', 1)").size());
        assertEquals(1L, count(watcher, "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'live' AND VERSION = 1"));
        assertEquals("saved", SqlTestSupport.rows(watcher, STATUS_OF, "live", 1).get(0)[0]);
        assertEquals(Boolean.TRUE, rows(watcher, "SELECT ENDED_AT >= STARTED_AT + INTERVAL '1' SECOND"
                + " FROM SQLNN.TRAINING_RUNS WHERE NAME = 'live'").get(0)[0], "the run ends after its epochs");
    }

    /** {@code epochs} rows, for epochs 1, 2, ..., with figures a training of the blobs can give. */
    static void assertPlausibleLog(int epochs, List<Object[]> log) {
        assertEquals(epochs, log.size(), "epochs in the log");
        for (int e = 0; e < epochs; e++) {
            Object[] row = log.get(e);
            String where = "epoch " + (e + 1) + ": " + Arrays.toString(row);
            assertEquals(e + 1, row[0], where);
            double trainLoss = (Double) row[1];
            assertTrue(trainLoss > 0 && trainLoss < 5, where);
            assertNotNull(row[2], where);
            double validationLoss = (Double) row[2];
            assertTrue(validationLoss >= 0 && validationLoss < 5, where); // the blobs are easy: it may reach 0
            double accuracy = (Double) row[3];
            assertTrue(accuracy >= 0 && accuracy <= 1, where);
            assertEquals(0.001, (Double) row[4], 1e-12, where);
            double seconds = (Double) row[5];
            assertTrue(seconds > 0 && seconds < 120, where);
            assertTrue((Double) row[6] > 0, where);
        }
    }

    // ---------------------------------------------------------------- stopping

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCancelInTheFirstEpochStopsWithinABatchAndLeavesNoRows() throws Exception {
        warmUp();
        Counts before = counts();
        // An event, not a sleep: cancel once the training has stepped through a few batches of its first epoch.
        java.util.concurrent.CountDownLatch batches = new java.util.concurrent.CountDownLatch(3);
        dev.sqlnn.nn.TrainingListener counting = new dev.sqlnn.nn.TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int of, double loss) {
                batches.countDown();
            }

            @Override
            public void onEpoch(dev.sqlnn.nn.EpochStats stats) {
            }
        };
        dev.sqlnn.model.TrainingProgress.add(counting);
        try (Statement statement = connection.createStatement()) {
            Future<SQLException> training = failingInBackground(statement, "heavy", HEAVY);
            awaitWatcher(training, () -> count(watcher, RUNS_OF, "heavy") == 1); // its rows are read: it trains
            assertTrue(batches.await(2, TimeUnit.MINUTES), "three batches trained");
            assertEquals(0L, count(watcher, LOG_ROWS_OF, "heavy"), "still in the first epoch");
            assertStopsSoon(statement, training);
        } finally {
            dev.sqlnn.model.TrainingProgress.remove(counting);
        }
        assertNothingLeft(before);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCancelInALaterEpochStopsWithinABatchAndTakesTheLiveRowsBack() throws Exception {
        warmUp();
        Counts before = counts();
        try (Statement statement = connection.createStatement()) {
            Future<SQLException> training = failingInBackground(statement, "heavy", HEAVY);
            awaitWatcher(training, () -> count(watcher, LOG_ROWS_OF, "heavy") >= 1);
            double epochSeconds = (Double) rows(watcher, LOG_OF, "heavy").get(0)[5];
            double stopSeconds = assertStopsSoon(statement, training);
            assertTrue(stopSeconds < epochSeconds / 2, () -> "an epoch takes " + epochSeconds
                    + " s, but the stop took " + stopSeconds + " s: it did not come within a batch");
        }
        assertNothingLeft(before);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryTimeoutAfterSomeEpochsTakesTheirRowsBack() throws Exception {
        warmUp();
        Counts before = counts();
        int timeout = 4;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeout);
            long start = System.nanoTime();
            Future<SQLException> training = failingInBackground(statement, "endless", ENDLESS);
            awaitWatcher(training, () -> count(watcher, LOG_ROWS_OF, "endless") >= 2);
            SQLException e = training.get(120, TimeUnit.SECONDS);
            double late = (System.nanoTime() - start) / 1e9 - timeout;
            assertCanceled(e);
            assertTrue(late < STOPS_WITHIN_SECONDS, () -> "stopped " + late + " s after the timeout");
            statement.setQueryTimeout(0);
        }
        assertNothingLeft(before);
    }

    @Test
    void aDivergingTrainingLeavesNoRowsAndTheNameStaysUnknown() throws SQLException {
        createPlane("plane", 500, 3);
        // Features in the hundreds, unscaled, and a step of 1: every SGD step multiplies the error.
        assertTrainingFails("22023", "SELECT a * 300, b * 300, y * 300 FROM plane",
                "{\"hidden\":[8],\"optimizer\":\"sgd\",\"learning_rate\":1,\"scale\":\"none\"}", "diverged");
        assertEquals(new Counts(0, 0, 0, 0, 0), counts(watcher));
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('m')", "model m does not exist");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Trains once, small, so that the kernels are compiled before a test measures how soon a training
     * stops: a cold JVM runs its first mini-batches far slower than the rest.
     */
    void warmUp() throws SQLException {
        synchronized (LiveTrainingSqlTestBase.class) {
            if (warm) return;
            train("warm-up", ON_BLOBS, "{\"hidden\":[512, 512],\"epochs\":3}");
            execute("CALL ML_DROP('warm-up')");
            execute("DELETE FROM SQLNN.DEPLOYMENTS");
            warm = true;
        }
    }

    /** Runs {@code ML_TRAIN} on {@code statement} in the background; it must fail, and gives the exception. */
    Future<SQLException> failingInBackground(Statement statement, String model, String options) {
        String sql = "SELECT ML_TRAIN(" + quote(model) + ", " + quote(ON_BLOBS) + ", " + quote(options) + ")";
        return background.submit(() -> assertThrows(SQLException.class, () -> statement.executeQuery(sql),
                () -> "expected " + sql + " to be stopped"));
    }

    interface Check {
        boolean holds() throws SQLException;
    }

    /** Polls until {@code check} holds; fails when the training ends first or after two minutes. */
    void awaitWatcher(Future<?> training, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!check.holds()) {
            if (training.isDone()) {
                training.get();
                fail("the training ended before the watcher saw what it waited for");
            }
            if (System.nanoTime() > deadline) fail("the watcher waited two minutes in vain");
            Thread.sleep(10);
        }
    }

    /**
     * Cancels the statement; ML_TRAIN must stop with 57014 within {@link #STOPS_WITHIN_SECONDS}. Returns
     * the seconds it took.
     */
    static double assertStopsSoon(Statement statement, Future<SQLException> training) throws Exception {
        long canceledAt = System.nanoTime();
        statement.cancel();
        SQLException e = training.get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - canceledAt) / 1e9;
        assertCanceled(e);
        assertTrue(seconds < STOPS_WITHIN_SECONDS, () -> "stopped " + seconds + " s after the cancel");
        return seconds;
    }

    static void assertCanceled(SQLException e) {
        assertEquals("57014", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().startsWith("ML_TRAIN: canceled"), e.getMessage());
    }

    /** Neither connection sees a row the stopped training wrote, and the training connection goes on. */
    void assertNothingLeft(Counts before) throws SQLException {
        assertEquals(before, counts());
        assertEquals(before, counts(watcher));
        assertEquals(1L, train("after", "SELECT a, b, y FROM blobs WHERE id <= 300", "{\"hidden\":[4],\"epochs\":1}"));
    }

    <T> Future<T> inBackground(Callable<T> task) {
        return background.submit(task);
    }
}

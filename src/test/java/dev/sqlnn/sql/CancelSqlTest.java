package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long {@code ML_TRAIN} stops within a mini-batch of its statement being cancelled or timing out, with
 * SQLState 57014, and saves nothing: no model row, no training log, no deployment. So does every table
 * function, within a batch of the rows it reads.
 *
 * <p>No sleeps: a cancel is set off by what the training writes (a trigger on its epoch log) or by the
 * rows a query has given (a function in its WHERE clause), and how soon a training stops is measured
 * against the time its own epochs take, not against a fixed number of seconds.
 */
class CancelSqlTest extends SqlTestSupport {

    /**
     * Epochs of 169 mini-batches (2,700 training rows, batches of 16), too many epochs to end: only a
     * stop ends it. A mini-batch is well under a hundredth of an epoch.
     */
    private static final String LONG_TRAINING = "SELECT ML_TRAIN('long', 'SELECT a, b, y FROM blobs',"
            + " '{\"hidden\":[512, 512],\"batch_size\":16,\"epochs\":20000}')";

    /**
     * A stop must come within this share of an epoch, 42 of its mini-batches: room for the clean-up and
     * a busy machine, but a check only between epochs would take a whole one (or, after a timeout,
     * three quarters of the time, more than a quarter).
     */
    private static final double STOPS_WITHIN_EPOCHS = 0.25;

    @BeforeEach
    void rows() throws SQLException {
        createBlobs("blobs", 3000, 41);
        EpochLog.install(this, Integer.MAX_VALUE);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryTimeoutStopsTrainingWithinABatchAndSavesNothing() throws SQLException {
        // An epoch of the same network first: it warms the kernels up and is an epoch to measure the
        // stop against, should the timeout come before the long training logs one.
        train("warm-up", "SELECT a, b, y FROM blobs", "{\"hidden\":[512, 512],\"batch_size\":16,\"epochs\":1}");
        execute("CALL ML_DROP('warm-up')");
        execute("DELETE FROM SQLNN.DEPLOYMENTS");
        Counts before = counts();
        int timeout = 2;
        long start = System.nanoTime();
        SQLException e;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeout);
            e = assertThrows(SQLException.class, () -> statement.executeQuery(LONG_TRAINING));
            statement.setQueryTimeout(0);
        }
        double late = (System.nanoTime() - start) / 1e9 - timeout;
        assertCanceled(e, late);
        assertEquals(before, counts());
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'long'"));
        assertUsableAfterwards();
    }

    /** Cancelled from another thread as its second epoch is logged, once the kernels are warm. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void cancelFromAnotherThreadStopsTrainingWithinABatchAndSavesNothing() throws Exception {
        Counts before = counts();
        EpochLog.reset(2);
        SQLException e;
        long[] canceledAt = new long[1];
        try (Statement statement = connection.createStatement()) {
            // One cancel only: H2 keeps a cancel that arrives between statements for the next one.
            Thread canceller = new Thread(() -> {
                try {
                    if (!EpochLog.await(100, TimeUnit.SECONDS)) return; // the assertions below report it
                    canceledAt[0] = System.nanoTime();
                    statement.cancel();
                } catch (InterruptedException | SQLException ignored) {
                    // the assertions below report a training that was not stopped
                }
            });
            canceller.start();
            e = assertThrows(SQLException.class, () -> statement.executeQuery(LONG_TRAINING));
            canceller.join();
        }
        assertTrue(canceledAt[0] != 0, () -> "the training stopped before its second epoch was logged: " + e);
        assertCanceled(e, (System.nanoTime() - canceledAt[0]) / 1e9);
        assertEquals(before, counts());
        assertUsableAfterwards();
    }

    // ---------------------------------------------------------------- the table functions

    /**
     * {@code TRIPWIRE(row)} in SQL: TRUE, and from its {@code cancelAtCall}-th call on it cancels the armed
     * statement, as {@code Statement.cancel()} from another thread would (it only raises H2's flag).
     * In a query's WHERE clause it counts the rows the query has given so far. Public, for H2's aliases;
     * declared DETERMINISTIC, as H2 reads a query with a non-deterministic function in full at once.
     */
    public static final class Tripwire {

        private static volatile Statement armed;
        private static volatile int cancelAtCall;
        private static final AtomicInteger calls = new AtomicInteger();

        private Tripwire() {
        }

        public static boolean tripwire(int row) throws SQLException {
            int call = calls.incrementAndGet();
            if (cancelAtCall > 0 && call >= cancelAtCall) armed.cancel(); // again each call: H2 may call before it runs
            return true;
        }

        /** {@code TRIPWIRE_ARGUMENT(text)}: the text, after the tripwire's count and cancel. */
        public static String tripwireArgument(String text) throws SQLException {
            tripwire(0);
            return text;
        }
    }

    /** The rows the table functions read: more than two of their batches (256 rows each). */
    private static final int ROWS_READ = 3000;

    /**
     * Every installed table function (found in INFORMATION_SCHEMA, so a new one cannot be forgotten)
     * stops when its statement is cancelled, with 57014 and a message that names it. Those that read a
     * query are cancelled at its 300th row and must stop within that row's batch of 256: before they
     * read row 557. The cancel is {@code Statement.cancel()}, which marks only the calling statement,
     * so the function's own check must notice it: H2 would only notice it after the function returned.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyTableFunctionStopsWithinABatchOfItsCancel() throws SQLException {
        execute("CREATE ALIAS TRIPWIRE DETERMINISTIC FOR '" + Tripwire.class.getName() + ".tripwire'");
        execute("CREATE ALIAS TRIPWIRE_ARGUMENT FOR '" + Tripwire.class.getName() + ".tripwireArgument'");
        // A search of one trial, so that ML_TRIALS has a trial to list.
        train("m", "SELECT a, b, y FROM blobs WHERE id <= 300", "{\"hidden\":[4],\"epochs\":1,\"search\":{\"l2\":[0]}}");
        String query = quote("SELECT a, b, y FROM blobs WHERE TRIPWIRE(id)");
        java.util.Map<String, String> statements = java.util.Map.of(
                "ML_PREDICT", "SELECT COUNT(*) FROM ML_PREDICT('m', " + query + ")",
                "ML_EXPLAIN_PREDICT", "SELECT COUNT(*) FROM ML_EXPLAIN_PREDICT('m', " + query + ")",
                "ML_GLOBAL_EXPLAIN", "SELECT COUNT(*) FROM ML_GLOBAL_EXPLAIN('m', " + query + ")",
                "ML_EVALUATE", "SELECT COUNT(*) FROM ML_EVALUATE('m', " + query + ")",
                "ML_CONFUSION_MATRIX", "SELECT COUNT(*) FROM ML_CONFUSION_MATRIX('m', " + query + ")",
                "ML_ROC_CURVE", "SELECT COUNT(*) FROM ML_ROC_CURVE('m', " + query + ", '1')",
                "ML_WEIGHTS", "SELECT COUNT(*) FROM ML_WEIGHTS(TRIPWIRE_ARGUMENT('m'))",
                "ML_TRAINING_INFO", "SELECT COUNT(*) FROM ML_TRAINING_INFO(TRIPWIRE_ARGUMENT('m'))",
                "ML_TRIALS", "SELECT COUNT(*) FROM ML_TRIALS(TRIPWIRE_ARGUMENT('m'))");
        List<String> tableFunctions = tableFunctions();
        assertTrue(tableFunctions.containsAll(List.of("ML_PREDICT", "ML_EVALUATE", "ML_WEIGHTS")), tableFunctions.toString());
        for (String function : tableFunctions) {
            String sql = statements.get(function);
            assertTrue(sql != null, () -> "table function " + function + " is new: add how to cancel it here");
            boolean readsAQuery = sql.contains("TRIPWIRE(id)");
            Counts before = counts();
            int cancelAt = readsAQuery ? 300 : 1;
            SQLException e = cancelAtCall(cancelAt, sql);
            assertEquals("57014", e.getSQLState(), () -> function + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(function + ": canceled"), e.getMessage());
            int readAfterTheCancel = Tripwire.calls.get() - cancelAt;
            if (readsAQuery) {
                assertTrue(readAfterTheCancel < 256,
                        () -> function + " read " + readAfterTheCancel + " rows after its cancel, more than a batch");
            }
            assertEquals(before, counts());
            cancelAtCall(0, null);
            assertTrue(count(sql) > 0, () -> function + " works again on the same connection");
            if (readsAQuery) assertEquals(ROWS_READ, Tripwire.calls.get(), () -> "rows read by " + function + " in full");
        }
    }

    /** Arms the tripwire for {@code sql} at call {@code at} and runs it, which must fail; 0: disarms it. */
    private SQLException cancelAtCall(int at, String sql) throws SQLException {
        Tripwire.calls.set(0);
        Tripwire.cancelAtCall = 0;
        if (at == 0) return null;
        try (Statement statement = connection.createStatement()) {
            Tripwire.armed = statement;
            Tripwire.cancelAtCall = at;
            return assertThrows(SQLException.class, () -> statement.executeQuery(sql), sql);
        } finally {
            Tripwire.cancelAtCall = 0;
            Tripwire.armed = null;
        }
    }

    /** The functions installed in schema PUBLIC that return tables (H2 gives them no DATA_TYPE). */
    private List<String> tableFunctions() throws SQLException {
        List<String> names = new java.util.ArrayList<>();
        for (Object[] row : rows("SELECT DISTINCT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = 'PUBLIC' AND DATA_TYPE IS NULL AND EXTERNAL_NAME LIKE 'dev.sqlnn.%'"
                + " ORDER BY ROUTINE_NAME")) {
            names.add((String) row[0]);
        }
        return names;
    }

    private static void assertCanceled(SQLException e, double secondsAfterTheStop) {
        assertEquals("57014", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().startsWith("ML_TRAIN: canceled"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
        double epoch = EpochLog.lastEpochSeconds();
        assertTrue(secondsAfterTheStop < STOPS_WITHIN_EPOCHS * epoch, () -> "stopped " + secondsAfterTheStop
                + " s late, where the last epoch of 169 mini-batches took " + epoch + " s");
    }

    /** The session goes on: a later training on the same connection runs and saves. */
    private void assertUsableAfterwards() throws SQLException {
        assertEquals(1L, train("after", "SELECT a, b, y FROM blobs WHERE id <= 300", "{\"hidden\":[4],\"epochs\":1}"));
        assertEquals(1L, count("SELECT COUNT(*) FROM SQLNN.MODELS"));
    }
}

package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long {@code ML_TRAIN} stops soon after its statement is cancelled or times out, with SQLState
 * 57014, and saves nothing: no model row, no training log, no deployment.
 */
class CancelSqlTest extends SqlTestSupport {

    /** About a minute of work on 2 cores if nothing stopped it; every test here stops it after about a second. */
    private static final String LONG_TRAINING = "SELECT ML_TRAIN('long', 'SELECT a, b, y FROM blobs',"
            + " '{\"hidden\":[64, 64],\"epochs\":20000}')";

    /** How long a stop may take once asked for: a mini-batch is milliseconds, but the machine may be busy. */
    private static final double STOPS_WITHIN_SECONDS = 10;

    @BeforeEach
    void rows() throws SQLException {
        createBlobs("blobs", 3000, 41);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueryTimeoutStopsTrainingAndSavesNothing() throws SQLException {
        Counts before = counts();
        long start = System.nanoTime();
        SQLException e;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            e = assertThrows(SQLException.class, () -> statement.executeQuery(LONG_TRAINING));
            statement.setQueryTimeout(0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertCanceled(e, seconds - 1);
        assertEquals(before, counts());
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'long'"));
        assertUsableAfterwards();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void cancelFromAnotherThreadStopsTrainingAndSavesNothing() throws Exception {
        Counts before = counts();
        SQLException e;
        long[] canceledAt = new long[1];
        try (Statement statement = connection.createStatement()) {
            // One cancel only: H2 keeps a cancel that arrives between statements for the next one.
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(700);
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
        assertCanceled(e, (System.nanoTime() - canceledAt[0]) / 1e9);
        assertEquals(before, counts());
        assertUsableAfterwards();
    }

    private static void assertCanceled(SQLException e, double secondsAfterTheStop) {
        assertEquals("57014", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().startsWith("ML_TRAIN: canceled"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
        assertTrue(secondsAfterTheStop < STOPS_WITHIN_SECONDS, () -> "stopped " + secondsAfterTheStop + " s late");
    }

    /** The session goes on: a later training on the same connection runs and saves. */
    private void assertUsableAfterwards() throws SQLException {
        assertEquals(1L, train("after", "SELECT a, b, y FROM blobs WHERE id <= 300", "{\"hidden\":[4],\"epochs\":1}"));
        assertEquals(1L, count("SELECT COUNT(*) FROM SQLNN.MODELS"));
    }
}

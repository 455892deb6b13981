package dev.sqlnn.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trigger that sees each epoch's training log row as ML_TRAIN writes it: it keeps the epoch's
 * seconds and opens a latch once epoch {@code awaited} is logged, so that a test waits for a
 * training's progress instead of sleeping or polling. Public, for H2's triggers; one test at a time.
 */
public final class EpochLog implements org.h2.api.Trigger {

    private static final List<Double> seconds = new CopyOnWriteArrayList<>();
    private static volatile int awaited;
    private static volatile CountDownLatch logged = new CountDownLatch(1);

    /** Creates the trigger on the test's database and waits for epoch {@code epoch} from now on. */
    static void install(SqlTestSupport test, int epoch) throws SQLException {
        reset(epoch);
        test.execute("CREATE TRIGGER EPOCH_LOG AFTER INSERT ON SQLNN.TRAINING_LOG FOR EACH ROW CALL '"
                + EpochLog.class.getName() + "'");
    }

    /** Forgets the epochs seen so far and waits for epoch {@code epoch}. */
    static void reset(int epoch) {
        seconds.clear();
        awaited = epoch;
        logged = new CountDownLatch(1);
    }

    /** Whether the awaited epoch was logged within the time given. */
    static boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return logged.await(timeout, unit);
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) {
        int epoch = ((Number) newRow[2]).intValue(); // NAME, VERSION, EPOCH, ..., SECONDS at 7
        seconds.add(((Number) newRow[7]).doubleValue());
        if (epoch >= awaited) logged.countDown();
    }

    /** The seconds of the epoch logged last: how fast the machine trained just before a stop. */
    static double lastEpochSeconds() {
        assertTrue(!seconds.isEmpty(), "no epoch was logged before the stop: nothing to measure it against");
        return seconds.get(seconds.size() - 1);
    }
}

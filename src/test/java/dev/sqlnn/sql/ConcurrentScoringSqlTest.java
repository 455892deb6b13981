package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scoring while the model is retrained, redeployed and pruned (issue 5): eight connections run
 * {@code PREDICT(model, f)}, {@code PREDICT(f)} and {@code ML_PREDICT} in a loop while a ninth trains
 * new versions of the same name, deploys older ones and drops versions that are not deployed.
 *
 * <p>Versions tell themselves apart by what they predict. The points lie in {@link #CLASSES} tight
 * clusters on a circle; version {@code v} is trained on the label {@code (Y + v) % CLASSES}, so its
 * shift {@code (prediction - Y) mod CLASSES} is {@code v mod CLASSES} on every row. Training is
 * deterministic (a fixed seed, one thread), so version {@code v} predicts exactly as version
 * {@code v - CLASSES} did, and the set-up checks each shift on every row once.
 *
 * <p>The writer numbers its deployments. Before it runs the statement of deployment i it publishes
 * i as started; after the statement returns (autocommit: committed) it publishes i as committed. A
 * query that read "committed i" before it started and "started j" after it ended may answer with
 * deployment i to j only: every row of its answer from one version, never the one deployed before
 * i, never a dropped one. Every error counts; the name always has a deployed version, so none is
 * expected at all.
 *
 * <p>And, without threads: a deployment in an open transaction is its writer's alone until the
 * commit, and one rolled back is forgotten (the model cache must not hand either to others).
 */
class ConcurrentScoringSqlTest extends SqlTestSupport {

    private static final int CLASSES = 5;
    private static final int ROWS = 40;
    private static final int SCORERS = 8;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final String OPTIONS =
            "{\"hidden\":[16],\"epochs\":40,\"learning_rate\":0.05,\"seed\":7,\"threads\":1,\"deploy\":\"always\"}";

    /** Deployment i: which version, and its shift. Appended before i is published as started. */
    private record Deployment(long version, int shift) {
    }

    private final List<Deployment> deployments = new CopyOnWriteArrayList<>();
    private final AtomicInteger started = new AtomicInteger(-1);
    private final AtomicInteger committed = new AtomicInteger(-1);
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong answered = new AtomicLong();

    @BeforeEach
    void circle() throws SQLException {
        execute("CREATE TABLE t (ID INT PRIMARY KEY, F DOUBLE PRECISION ARRAY, Y INT)");
        Random random = new Random(5);
        for (int i = 0; i < ROWS; i++) {
            int y = i % CLASSES;
            double angle = 2 * Math.PI * y / CLASSES;
            double a = 5 * Math.cos(angle) + 0.2 * random.nextGaussian();
            double b = 5 * Math.sin(angle) + 0.2 * random.nextGaussian();
            execute("INSERT INTO t VALUES (" + i + ", ARRAY[" + a + ", " + b + "], " + y + ")");
        }
    }

    @Test
    void everyAnswerComesFromOneVersionDeployedWhileTheQueryRan() throws Exception {
        // Versions 1 to CLASSES, one per shift; each must predict its shift on every row.
        for (long version = 1; version <= CLASSES; version++) {
            long v = version;
            deployments.add(new Deployment(v, shift(v)));
            assertEquals(v, train("m", labelQuery(v), OPTIONS));
            for (String query : queries()) {
                assertEquals(Set.of(shift(v)), answer(connection, query), () -> "version " + v + " on " + query);
            }
        }
        started.set(deployments.size() - 1);
        committed.set(deployments.size() - 1);

        long deadline = System.nanoTime() + RUN_NANOS;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SCORERS; s++) {
            int first = s;
            threads.add(Thread.ofPlatform().name("scorer-" + s).start(() -> score(first, deadline)));
        }
        Map<String, Integer> writes = write(deadline);
        for (Thread thread : threads) {
            assertTrue(thread.join(java.time.Duration.ofSeconds(60)), thread.getName() + " ends");
        }

        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, the first: " + failures.peek());
        assertTrue(answered.get() >= SCORERS, "the scorers answered " + answered.get() + " queries");
        assertTrue(writes.get("trained") >= 2, () -> "the writer trained while they scored: " + writes);
    }

    @Test
    void anUncommittedDeploymentIsTheWritersOnlyAndARolledBackOneIsForgotten() throws Exception {
        train("m", labelQuery(1), OPTIONS);
        train("m", labelQuery(2), OPTIONS);
        String query = queries().get(0);
        try (Connection writer = DriverManager.getConnection(url);
             Connection reader = DriverManager.getConnection(url)) {
            assertEquals(Set.of(2), answer(reader, query));
            writer.setAutoCommit(false);
            value(writer, "SELECT ML_DEPLOY('m', CAST(1 AS BIGINT))");
            assertEquals(Set.of(1), answer(writer, query), "the writer sees its own deployment");
            assertEquals(Set.of(2), answer(reader, query), "no other connection does before the commit");
            writer.rollback();
            assertEquals(Set.of(2), answer(writer, query), "rolled back");
            assertEquals(Set.of(2), answer(reader, query));
            value(writer, "SELECT ML_DEPLOY('m', CAST(1 AS BIGINT))");
            assertEquals(Set.of(2), answer(reader, query));
            writer.commit();
            assertEquals(Set.of(1), answer(reader, query), "committed");
            assertEquals(Set.of(1), answer(writer, query));
        }
    }

    /** Trains, deploys an older version and drops one until the deadline; returns what it did. */
    private Map<String, Integer> write(long deadline) throws SQLException {
        Map<String, Integer> done = new TreeMap<>();
        List<Long> alive = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L));
        long next = CLASSES + 1;
        try (Connection writer = DriverManager.getConnection(url)) {
            do {
                long v = next++;
                deploy(new Deployment(v, shift(v)), () -> assertEquals(v, (Long) value(writer,
                        "SELECT ML_TRAIN(?, ?, ?)", "m", labelQuery(v), OPTIONS)));
                alive.add(v);
                done.merge("trained", 1, Integer::sum);
                // An older version, whose shift differs from v's (consecutive versions' do).
                long older = alive.get(alive.size() - 2);
                deploy(new Deployment(older, shift(older)), () -> assertEquals(older, (Long) value(writer,
                        "SELECT ML_DEPLOY('m', CAST(? AS BIGINT))", older)));
                done.merge("deployed", 1, Integer::sum);
                // Drop the oldest versions, never the deployed one: the name always has one.
                while (alive.size() > 3) {
                    long dropped = alive.remove(0);
                    assertEquals(1, ((Number) value(writer, "SELECT ML_DROP('m', CAST(? AS BIGINT))", dropped))
                            .intValue());
                    done.merge("dropped", 1, Integer::sum);
                }
            } while (System.nanoTime() < deadline);
        }
        return done;
    }

    private interface Statement {
        void run() throws SQLException;
    }

    private void deploy(Deployment deployment, Statement statement) throws SQLException {
        deployments.add(deployment);
        started.set(deployments.size() - 1);
        statement.run();
        committed.set(deployments.size() - 1);
    }

    /** One scorer: its own connection, the three kinds of query in turn, until the deadline. */
    private void score(int first, long deadline) {
        List<String> queries = queries();
        try (Connection c = DriverManager.getConnection(url)) {
            for (int q = first; System.nanoTime() < deadline; q++) {
                String query = queries.get(q % queries.size());
                int from = committed.get();
                Set<Integer> shifts;
                try {
                    shifts = answer(c, query);
                } catch (SQLException | RuntimeException e) {
                    failures.add(query + ": " + e);
                    continue;
                }
                int to = started.get();
                answered.incrementAndGet();
                Set<Integer> allowed = new TreeSet<>();
                for (int i = from; i <= to; i++) allowed.add(deployments.get(i).shift());
                if (shifts.size() > 1) {
                    failures.add(query + ": rows from several versions, shifts " + shifts);
                }
                if (!allowed.containsAll(shifts)) {
                    failures.add(query + " answered with shifts " + shifts + "; deployments " + from + " to " + to
                            + " were " + deployments.subList(from, to + 1) + "; before them "
                            + (from > 0 ? deployments.get(from - 1) : "none"));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.add("scorer " + first + ": " + e);
        }
    }

    /** The shifts of the rows of the query's answer. */
    private static Set<Integer> answer(Connection c, String query) throws SQLException {
        List<Object[]> rows = rows(c, query);
        if (rows.size() != ROWS) throw new IllegalStateException(rows.size() + " rows, expected " + ROWS);
        Set<Integer> shifts = new TreeSet<>();
        for (Object[] row : rows) {
            shifts.add(Math.floorMod(((Number) row[1]).intValue() - ((Number) row[0]).intValue(), CLASSES));
        }
        return shifts;
    }

    private static List<String> queries() {
        return List.of("SELECT y, PREDICT('m', f) FROM t",
                "SELECT y, PREDICT(f) FROM t",
                "SELECT y, prediction FROM ML_PREDICT('m', 'SELECT y, f FROM t')");
    }

    private static String labelQuery(long version) {
        return "SELECT f, MOD(y + " + shift(version) + ", " + CLASSES + ") AS label FROM t";
    }

    private static int shift(long version) {
        return (int) (version % CLASSES);
    }

    private static Object value(Connection c, String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = rows(c, sql, parameters);
        assertEquals(1, rows.size(), () -> "rows of " + sql);
        return rows.get(0)[0];
    }
}

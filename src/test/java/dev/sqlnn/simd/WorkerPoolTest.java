package dev.sqlnn.simd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared compute threads under MatMul: every part runs once, failures come back after all parts
 * end, concurrent callers together never compute on more threads than the pool has, and idle
 * workers use no CPU.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerPoolTest {

    @Test
    void runsEveryPartOnceAndSeesItsWritesOverManyRounds() throws Exception {
        try (WorkerPool pool = new WorkerPool(4)) {
            int[] plain = new int[4]; // written by the parts without synchronisation: invoke must publish them
            for (int round = 1; round <= 20_000; round++) {
                int r = round;
                pool.invoke(4, (part, parts) -> {
                    assertEquals(4, parts, "a lone caller gets every thread");
                    plain[part] = r * 10 + part;
                });
                for (int part = 0; part < 4; part++) assertEquals(round * 10 + part, plain[part]);
                if (round % 5000 == 0) Thread.sleep(5); // let the workers park, then wake them
            }
            AtomicIntegerArray fewer = new AtomicIntegerArray(4);
            pool.invoke(2, (part, parts) -> fewer.incrementAndGet(part));
            assertEquals("[1, 1, 0, 0]", fewer.toString());
            AtomicIntegerArray more = new AtomicIntegerArray(4);
            pool.invoke(9, (part, parts) -> more.incrementAndGet(part));
            assertEquals("[1, 1, 1, 1]", more.toString(), "never more parts than threads");
        }
    }

    @Test
    void aFailingPartIsRethrownOnlyAfterEveryPartHasEnded() {
        try (WorkerPool pool = new WorkerPool(3)) {
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            AtomicInteger ended = new AtomicInteger();
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> pool.invoke(3, (part, parts) -> {
                if (part == 2) throw boom;
                sleep(50);
                ended.incrementAndGet();
            }));
            assertSame(boom, thrown);
            assertEquals(2, ended.get(), "the other parts ran to their end");
            AtomicInteger after = new AtomicInteger();
            pool.invoke(3, (part, parts) -> after.incrementAndGet());
            assertEquals(3, after.get(), "usable after a failure, with every worker back");
        }
    }

    @Test
    void aLeaseKeepsItsThreadsForEveryStepInsideIt() {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicInteger steps = new AtomicInteger();
            pool.run(3, () -> {
                for (int step = 0; step < 1000; step++) {
                    pool.invoke(3, (part, parts) -> {
                        assertEquals(3, parts);
                        if (part == 0) steps.incrementAndGet();
                    });
                    pool.invoke(2, (part, parts) -> assertEquals(2, parts, "fewer parts when fewer are wanted"));
                }
                pool.run(3, () -> pool.invoke(3, (part, parts) -> assertEquals(3, parts, "a nested lease is the same")));
            });
            assertEquals(1000, steps.get());
            AtomicInteger after = new AtomicInteger();
            pool.invoke(3, (part, parts) -> after.addAndGet(parts));
            assertEquals(9, after.get(), "every thread back after the lease");
        }
    }

    @Test
    void refusesANestedCall() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> pool.invoke(2, (part, parts) -> pool.invoke(2, (p, n) -> { })));
            assertTrue(nested.getMessage().contains("cannot start another"), nested.getMessage());
        }
        WorkerPool closed = new WorkerPool(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.invoke(2, (part, parts) -> { }));
    }

    @Test
    void concurrentCallersNeverComputeOnMoreThreadsThanThePoolHas() throws Exception {
        int threads = 3;
        int callers = 6;
        int rounds = 300;
        try (WorkerPool pool = new WorkerPool(threads)) {
            AtomicInteger active = new AtomicInteger();
            AtomicInteger mostActive = new AtomicInteger();
            AtomicLong partsRun = new AtomicLong();
            AtomicLong partsPromised = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> running = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int c = 0; c < callers; c++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int round = 0; round < rounds; round++) {
                            AtomicInteger seen = new AtomicInteger();
                            WorkerPool.PartTask task = (part, parts) -> {
                                if (part == 0) partsPromised.addAndGet(parts);
                                int now = active.incrementAndGet();
                                mostActive.accumulateAndGet(now, Math::max);
                                spin(20_000);
                                active.decrementAndGet();
                                seen.incrementAndGet();
                                partsRun.incrementAndGet();
                            };
                            if (round % 2 == 0) {
                                pool.invoke(threads, task);
                            } else { // two steps under one lease of threads
                                pool.run(threads, () -> {
                                    pool.invoke(threads, task);
                                    pool.invoke(threads, task);
                                });
                            }
                            assertTrue(seen.get() >= 1 && seen.get() <= 2 * threads, "parts of one round: " + seen.get());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                running.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : running) t.join();
            assertEquals(List.of(), failures);
            assertTrue(mostActive.get() <= threads, "at most " + threads + " threads computed at once; saw " + mostActive.get());
            assertTrue(mostActive.get() >= 2, "callers and workers did run side by side; saw " + mostActive.get());
            assertEquals(partsPromised.get(), partsRun.get(), "every part of every call ran once");
        }
    }

    @Test
    void idleWorkersUseNoCpu() throws Exception {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!bean.isThreadCpuTimeSupported()) return; // nothing to measure with on this JVM
        try (WorkerPool pool = new WorkerPool(3)) {
            List<Long> ids = new ArrayList<>();
            pool.invoke(3, (part, parts) -> {
                if (part > 0) {
                    synchronized (ids) {
                        ids.add(Thread.currentThread().threadId());
                    }
                }
            });
            assertEquals(2, ids.size());
            Thread.sleep(50); // far past the tenth of a millisecond a worker spins before it parks
            long before = cpuNanos(bean, ids);
            Thread.sleep(1000);
            long used = cpuNanos(bean, ids) - before;
            assertTrue(used < 20_000_000L, "two idle workers used " + used / 1_000_000 + " ms of CPU in 1 s");
        }
    }

    private static long cpuNanos(ThreadMXBean bean, List<Long> ids) {
        long sum = 0;
        for (long id : ids) sum += Math.max(0, bean.getThreadCpuTime(id));
        return sum;
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

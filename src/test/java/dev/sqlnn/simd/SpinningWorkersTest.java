package dev.sqlnn.simd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-off under MatMul: every part runs once, failures come back after all parts end, one caller at a time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpinningWorkersTest {

    @Test
    void runsEveryPartOnceAndSeesItsWritesOverManyRounds() throws Exception {
        try (SpinningWorkers workers = new SpinningWorkers(3)) {
            int[] plain = new int[4]; // written by the parts without synchronisation: invoke must publish them
            for (int round = 1; round <= 20_000; round++) {
                int r = round;
                workers.invoke(4, part -> plain[part] = r * 10 + part);
                for (int part = 0; part < 4; part++) assertEquals(round * 10 + part, plain[part]);
                if (round % 5000 == 0) Thread.sleep(5); // let the workers park, then wake them
            }
            AtomicIntegerArray fewer = new AtomicIntegerArray(4);
            workers.invoke(2, part -> fewer.incrementAndGet(part));
            assertEquals("[1, 1, 0, 0]", fewer.toString());
        }
    }

    @Test
    void aFailingPartIsRethrownOnlyAfterEveryPartHasEnded() {
        try (SpinningWorkers workers = new SpinningWorkers(2)) {
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            AtomicInteger ended = new AtomicInteger();
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> workers.invoke(3, part -> {
                if (part == 2) throw boom;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                ended.incrementAndGet();
            }));
            assertSame(boom, thrown);
            assertEquals(2, ended.get(), "the other parts ran to their end");
            AtomicInteger after = new AtomicInteger();
            workers.invoke(3, part -> after.incrementAndGet());
            assertEquals(3, after.get(), "usable after a failure");
        }
    }

    @Test
    void refusesANestedCallAndTooManyParts() {
        try (SpinningWorkers workers = new SpinningWorkers(1)) {
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> workers.invoke(2, part -> workers.invoke(2, inner -> { })));
            assertTrue(nested.getMessage().contains("one thread at a time"), nested.getMessage());
            assertThrows(IllegalArgumentException.class, () -> workers.invoke(3, part -> { }));
        }
        SpinningWorkers closed = new SpinningWorkers(1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.invoke(2, part -> { }));
    }
}

package dev.sqlnn.simd;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Worker threads for {@link MatMul} that wait for their next piece of work by spinning for a tenth
 * of a millisecond before they park. A training step hands work over a dozen times (each product,
 * each sparse layer, the optimizer) a fraction of a millisecond apart; waking a parked thread costs
 * tens of microseconds on a virtual machine, which a thread pool's hand-off paid every time.
 *
 * <p>One caller at a time: {@link #invoke} is not reentrant and refuses concurrent use. Threads are
 * daemons, started once and stopped by {@link #close}.
 */
final class SpinningWorkers implements AutoCloseable {

    /** How long a worker, or the caller waiting for one, spins before it parks. */
    private static final long SPIN_NANOS = 100_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;

    SpinningWorkers(int count) {
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker();
            Thread thread = new Thread(workers[i], "sqlnn-matmul-" + (i + 1));
            thread.setDaemon(true);
            workers[i].thread = thread;
            thread.start();
        }
    }

    /**
     * Runs {@code body(part)} for every part in {@code [0, parts)}: part 0 on the calling thread, the
     * others on the workers, and returns when all have finished. The first failure is rethrown, after
     * every part has ended.
     */
    void invoke(int parts, IntConsumer body) {
        if (parts - 1 > workers.length) {
            throw new IllegalArgumentException(parts + " parts for " + workers.length + " workers and the caller");
        }
        if (closed) throw new IllegalStateException("these workers are closed");
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("a MatMul is used by one thread at a time, and not from its own tasks");
        }
        try {
            for (int t = 1; t < parts; t++) workers[t - 1].start(body, t);
            Throwable failure = null;
            try {
                body.accept(0);
            } catch (Throwable e) {
                failure = e;
            }
            for (int t = 1; t < parts; t++) {
                Throwable f = workers[t - 1].await();
                if (failure == null) failure = f;
            }
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    private final class Worker implements Runnable {
        Thread thread;
        private int part;
        private Throwable failure;
        private volatile boolean done = true;
        private volatile IntConsumer body;
        private volatile Thread waiter;

        /** Hands over a part; the volatile write of {@code body} publishes the others. */
        void start(IntConsumer task, int taskPart) {
            part = taskPart;
            failure = null;
            done = false;
            body = task;
            LockSupport.unpark(thread);
        }

        /** Waits for the part handed over last; returns what it threw, or null. */
        Throwable await() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!done) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    waiter = Thread.currentThread();
                    if (!done) LockSupport.parkNanos(this, 1_000_000);
                }
            }
            waiter = null;
            return failure;
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                IntConsumer task = body;
                if (task != null) {
                    body = null;
                    try {
                        task.accept(part);
                    } catch (Throwable e) {
                        failure = e;
                    }
                    done = true; // publishes the work and the failure to the caller
                    Thread w = waiter;
                    if (w != null) LockSupport.unpark(w);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}

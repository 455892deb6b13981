package dev.sqlnn.simd;

import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The compute threads of a process, shared by every statement: at most {@link #threads()} threads
 * compute at once, the callers counted. A caller of {@link #invoke} takes one permit for itself
 * (waiting, in turn, while others hold them all) and, when it is the only caller, idle workers for
 * the other parts; so concurrent statements never run more compute threads than cores, one
 * statement alone gets them all, and several compute side by side, one thread each.
 *
 * <p>Workers wait for their next piece of work by spinning for a tenth of a millisecond before they
 * park: a training step hands work over a dozen times a fraction of a millisecond apart, and waking
 * a parked thread costs tens of microseconds on a virtual machine. Idle longer, they use no CPU.
 * Threads are daemons, started once.
 */
public final class WorkerPool implements AutoCloseable {

    /** How long a worker, or the caller waiting for one, spins before it parks. */
    private static final long SPIN_NANOS = 100_000;

    /** A piece of work split into {@code parts}; part {@code part} of them. */
    @FunctionalInterface
    public interface PartTask {
        void run(int part, int parts);
    }

    /** Whether this thread runs a part now: a part may not hand out work itself. */
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);
    /** The threads this thread holds for a whole piece of work ({@link #run}); null outside one. */
    private static final ThreadLocal<Lease> LEASE = new ThreadLocal<>();

    private static final Worker[] NO_WORKERS = new Worker[0];

    private record Lease(WorkerPool pool, Worker[] workers) {
    }

    private final int threads;
    private final Semaphore permits;
    /** Callers computing or waiting to: while there are several, each computes alone (see {@link #borrow}). */
    private final AtomicInteger callers = new AtomicInteger();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final Worker[] workers;
    private volatile boolean closed;

    /** A pool in which at most {@code threads} threads compute at once: the callers and {@code threads - 1} workers. */
    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("a pool needs at least 1 thread; got " + threads);
        this.threads = threads;
        this.permits = new Semaphore(threads, true);
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread thread = new Thread(workers[i], "sqlnn-worker-" + (i + 1));
            thread.setDaemon(true);
            workers[i].thread = thread;
            idle.push(workers[i]);
            thread.start();
        }
    }

    /** The most threads that compute at once, callers included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task(part, parts)} for every part in {@code [0, parts)}, where {@code parts} is at
     * most {@code wanted}: as many threads as are free now (or held by the caller's {@link #run}), at
     * least the caller's. Part 0 runs on the calling thread; returns when all have ended, rethrowing
     * the first failure.
     */
    public void invoke(int wanted, PartTask task) {
        if (closed) throw new IllegalStateException("this worker pool is closed");
        if (INSIDE.get()) {
            throw new IllegalStateException("a part of a parallel task cannot start another; run it on its own thread");
        }
        Lease lease = LEASE.get();
        if (lease != null && lease.pool() == this) {
            runParts(lease.workers(), Math.min(wanted, lease.workers().length + 1), task);
            return;
        }
        Worker[] borrowed = enter(wanted);
        try {
            runParts(borrowed, borrowed.length + 1, task);
        } finally {
            leave(borrowed);
        }
    }

    /**
     * Runs {@code body} on the calling thread holding up to {@code wanted} of the pool's threads
     * throughout, so that the parallel steps inside it ({@link #invoke}) hand out their parts without
     * asking the pool again: for a sequence of steps a fraction of a millisecond apart, such as the
     * layers of a batch, where waiting for threads at every step would cost more than the steps.
     */
    public void run(int wanted, Runnable body) {
        if (LEASE.get() != null || INSIDE.get()) {
            body.run(); // holding threads already, or inside a part: the steps find their threads there
            return;
        }
        if (closed) throw new IllegalStateException("this worker pool is closed");
        Worker[] borrowed = enter(wanted);
        LEASE.set(new Lease(this, borrowed));
        try {
            body.run();
        } finally {
            LEASE.remove();
            leave(borrowed);
        }
    }

    private void runParts(Worker[] workers, int parts, PartTask task) {
        INSIDE.set(true);
        try {
            for (int t = 1; t < parts; t++) workers[t - 1].start(task, t, parts);
            Throwable failure = null;
            try {
                task.run(0, parts);
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
            INSIDE.set(false);
        }
    }

    /** Takes the caller's permit, waiting for it, and the workers it may have; see {@link #borrow}. */
    private Worker[] enter(int wanted) {
        callers.incrementAndGet();
        permits.acquireUninterruptibly();
        return borrow(Math.min(wanted, threads) - 1);
    }

    private void leave(Worker[] borrowed) {
        synchronized (idle) {
            for (Worker w : borrowed) idle.push(w);
        }
        permits.release(borrowed.length + 1);
        callers.decrementAndGet();
    }

    /**
     * Up to {@code count} idle workers, each with a permit. None while other callers compute or wait:
     * several statements then each compute on their own thread, side by side, which beats splitting
     * every product and waiting for one another's parts on cores they all share.
     */
    private Worker[] borrow(int count) {
        if (count <= 0 || callers.get() > 1) return NO_WORKERS;
        int granted = 0;
        while (granted < count && permits.tryAcquire()) granted++;
        Worker[] borrowed = new Worker[granted];
        synchronized (idle) {
            // Every permit beyond the callers' is an idle worker, so this never comes up short.
            for (int i = 0; i < granted; i++) borrowed[i] = idle.pop();
        }
        return borrowed;
    }

    /** Stops the workers (a pool of a test; the process-wide one lives as long as the JVM). */
    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    private final class Worker implements Runnable {
        Thread thread;
        private int part;
        private int parts;
        private Throwable failure;
        private volatile boolean done = true;
        private volatile PartTask body;
        private volatile Thread waiter;

        /** Hands over a part; the volatile write of {@code body} publishes the others. */
        void start(PartTask task, int taskPart, int taskParts) {
            part = taskPart;
            parts = taskParts;
            failure = null;
            done = false;
            waiter = null;
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
            return failure;
        }

        @Override
        public void run() {
            INSIDE.set(true);
            long idleSince = System.nanoTime();
            while (!closed) {
                PartTask task = body;
                if (task != null) {
                    body = null;
                    try {
                        task.run(part, parts);
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

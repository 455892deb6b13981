package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import dev.sqlnn.simd.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point to the numeric engine: the kernels chosen for this JVM and one process-wide,
 * bounded pool of compute threads that every statement shares. A statement borrows threads through
 * a {@link MatMul} from {@link #compute}; it never creates them, so concurrent statements together
 * never run more compute threads than this machine has cores.
 */
public final class Engine {

    private Engine() {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** The kernels chosen for this JVM: the Vector API's, or the scalar ones without it. */
    public static Kernels kernels() {
        Announced.once();
        return KernelProvider.kernels();
    }

    /** The most threads that compute at once in this JVM: its processors. */
    public static int threads() {
        return Pool.INSTANCE.threads();
    }

    /** Products on this JVM's kernels, using at most {@code threads} of the shared pool's threads. */
    public static MatMul compute(int threads) {
        return compute(kernels(), threads);
    }

    /** Products on the given kernels (a test's or a benchmark's choice), on the shared pool. */
    public static MatMul compute(Kernels kernels, int threads) {
        return new MatMul(kernels, threads, Pool.INSTANCE);
    }

    /**
     * Runs {@code task.accept(i)} for every i in {@code [0, tasks)}, several at once on up to
     * {@code threads} of the shared pool's threads (fewer when other statements compute), each task on
     * one thread: for independent pieces of work that compute on one thread each, such as small
     * trainings with {@code threads} 1 (a task may not split its own products across threads). Tasks
     * are taken in order as threads come free; returns when all have ended, rethrowing the first failure.
     */
    public static void eachOnOneThread(int tasks, int threads, java.util.function.IntConsumer task) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Pool.INSTANCE.invoke(Math.max(1, Math.min(threads, tasks)), (part, parts) -> {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) task.accept(i);
        });
    }

    /** The kernels' description alone, e.g. {@code Vector API, 512-bit} or {@code scalar}. */
    public static String kernelsDescription() {
        return kernels().description();
    }

    /** What computes, for {@code ML_INFO()} and logs, e.g. {@code Vector API, 512-bit, 2 threads}. */
    public static String describe() {
        return kernels().description() + ", " + threads() + " threads";
    }

    /** Says once which kernels compute, and warns when the Vector API was wanted but is not there. */
    private static final class Announced {
        static {
            KernelProvider.Choice choice = KernelProvider.choice();
            if (choice.fallback()) LOG.warn("sqlnn: {}", choice.why());
            else LOG.info("sqlnn: {}", choice.why());
        }

        static void once() {
            // The class initialiser above is the work; the JVM runs it once.
        }
    }

    /** Created on first use: a JVM that never computes starts no threads. */
    private static final class Pool {
        static final WorkerPool INSTANCE = new WorkerPool(Runtime.getRuntime().availableProcessors());
    }
}

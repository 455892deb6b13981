package dev.sqlnn.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the machine's fused multiply-add throughput on {@code SPECIES_PREFERRED}: twelve
 * independent accumulator chains per thread, enough to cover the FMA latency on two pipes, with
 * no memory traffic. The figure that a matrix-product kernel is compared against.
 *
 * <p>Loaded by name from {@link KernelProvider#peakMeterOrNull}, like {@code VectorKernels}.
 */
final class FmaPeak implements PeakMeter {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public double gflops(int threads, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < 50; i++) chains(100_000); // enough calls for C2 to compile it whole
            long iterations = 20_000_000;
            Callable<Float> work = () -> chains(iterations);
            long start = System.nanoTime();
            long done = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                Future<?>[] all = new Future<?>[threads];
                for (int t = 0; t < threads; t++) all[t] = pool.submit(work);
                for (Future<?> f : all) f.get();
                done += iterations * threads;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            // 12 vector FMAs per iteration, 2 flops per lane each
            return done * 12.0 * S.length() * 2 / elapsed / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static float chains(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}

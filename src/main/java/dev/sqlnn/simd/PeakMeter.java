package dev.sqlnn.simd;

/** Measures peak arithmetic throughput, for benchmarks to compare kernels against. */
public interface PeakMeter {

    /** Fused multiply-add throughput in GFLOP/s over {@code threads} threads, timed for about {@code seconds}. */
    double gflops(int threads, double seconds) throws Exception;
}

package dev.sqlnn.bench;

import dev.sqlnn.nn.Engine;
import dev.sqlnn.simd.MatMul;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The matrix products of one training step of the founding network (784-1024-512-10, batch 64).
 * GFLOP/s = 2·m·n·k / time. Run with {@code bin/jmh GemmBenchmark}.
 *
 * <p>Shapes, as {@code m×n×k transA transB}: forward {@code 64×1024×784}; weight gradient
 * {@code 784×1024×64 T N} (Xᵀ·dY); input gradient {@code 64×784×1024 N T} (dY·Wᵀ).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {

    @Param({"64x1024x784:NN", "64x512x1024:NN", "784x1024x64:TN", "1024x512x64:TN", "64x784x1024:NT", "64x1024x512:NT"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private boolean transA, transB;
    private float[] a, b, c;
    private MatMul matMul;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("[x:]");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        transA = parts[3].charAt(0) == 'T';
        transB = parts[3].charAt(1) == 'T';
        Random r = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        matMul = Engine.compute(threads);
    }

    @Benchmark
    public float[] gemm() {
        matMul.gemm(transA, transB, m, n, k, a, transA ? m : k, b, transB ? k : n, c, n, false);
        return c;
    }
}

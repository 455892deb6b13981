package dev.sqlnn.bench;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.nn.Network;
import dev.sqlnn.nn.Predictor;
import dev.sqlnn.simd.KernelProvider;
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
 * The sparse first layer of scoring: a batch of real digits (81% zero pixels) through 784-1024 (and
 * a 10-unit output), as {@code ML_PREDICT} runs it, and one digit at a time as {@code PREDICT} does.
 * Useful GFLOP/s = 2 · non-zero pixels · 1024 / time. Run with {@code bin/jmh SparseLayerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SparseLayerBenchmark {

    private static final int ROWS = 256;

    @Param({"1", "2"})
    public int threads;

    private Predictor predictor;
    private Predictor.BatchBuffers buffers;
    private float[] inputs;
    private float[] outputs;
    private MatMul matMul;

    @Setup(Level.Trial)
    public void setUp() {
        Network network = new Network(new int[] {784, 1024, 10}, Activation.RELU, Activation.SOFTMAX);
        Random random = new Random(1);
        for (int l = 0; l < network.layerCount(); l++) {
            float[] w = network.weights(l);
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian() * 0.05f;
        }
        byte[] pixels = IdxReader.bundledDigits(true).images().pixels();
        inputs = new float[ROWS * 784];
        for (int i = 0; i < inputs.length; i++) inputs[i] = (pixels[i] & 0xFF) / 255f;
        outputs = new float[ROWS * 10];
        predictor = new Predictor(network, KernelProvider.kernels());
        buffers = predictor.batchBuffers(ROWS);
        matMul = Engine.compute(threads);
    }

    /** 256 digits, as one batch of {@code ML_PREDICT}. */
    @Benchmark
    public float[] batchOf256() {
        predictor.forwardBatch(inputs, ROWS, outputs, matMul, buffers);
        return outputs;
    }

    /** One digit, as {@code PREDICT} (always on the calling thread). */
    @Benchmark
    public float[] oneRow() {
        System.arraycopy(inputs, 0, predictor.scratchInput(), 0, 784);
        return predictor.forwardScratchInput();
    }
}

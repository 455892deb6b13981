package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The single-row path (sparse: zero inputs skipped) and the batched path (matrix products) must
 * agree with each other and with the training pass, whatever the activation, the batch size and
 * the number of threads predicting at once.
 */
class PredictorTest {

    private static final double TOLERANCE = 1e-5;
    private static final int[] SIZES = {23, 17, 9, 4};

    static Stream<Arguments> networks() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (Activation hidden : new Activation[] {Activation.RELU, Activation.TANH, Activation.SIGMOID}) {
            for (Activation output : new Activation[] {Activation.SOFTMAX, Activation.IDENTITY}) {
                cases.add(Arguments.of(hidden, output));
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} hidden, {1} output")
    @MethodSource("networks")
    void singleRowMatchesTrainingPassAndBatch(Activation hidden, Activation output) {
        SplittableRandom random = new SplittableRandom(hidden.ordinal() * 10L + output.ordinal());
        Network network = randomNetwork(SIZES, hidden, output, random);
        int rows = 13;
        float[] inputs = sparseRows(random, rows, SIZES[0], 0.7);
        int width = network.outputWidth();

        for (Kernels kernels : kernelsToTest()) {
            Predictor predictor = new Predictor(network, kernels);
            {
                MatMul matMul = Engine.compute(kernels, 1);
                Propagation pass = new Propagation(network, matMul, Loss.MSE, rows);
                System.arraycopy(inputs, 0, pass.input(), 0, inputs.length);
                pass.forward(rows);
                float[] batch = new float[rows * width];
                predictor.forwardBatch(inputs, rows, batch, matMul, predictor.batchBuffers(rows));
                for (int r = 0; r < rows; r++) {
                    float[] single = predictor.forward(row(inputs, r, SIZES[0]));
                    String what = kernels.description() + ", row " + r;
                    assertClose(pass.result(), r * width, single, what + ": training pass vs single row");
                    assertClose(batch, r * width, single, what + ": forwardBatch vs single row");
                }
            }
        }
    }

    /** Row counts that leave partial micro-tiles (6 rows) and partial column blocks (64). */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 7, 13, 63, 65, 100, 131})
    void batchOfAwkwardSizeMatchesSingleRows(int rows) {
        SplittableRandom random = new SplittableRandom(rows);
        int[] sizes = {70, 65, 3};
        Network network = randomNetwork(sizes, Activation.RELU, Activation.SOFTMAX, random);
        float[] inputs = sparseRows(random, rows, sizes[0], 0.5);
        for (Kernels kernels : kernelsToTest()) {
            Predictor predictor = new Predictor(network, kernels);
            for (int threads : new int[] {1, 2}) {
                float[] batch = new float[rows * 3];
                {
                    MatMul matMul = Engine.compute(kernels, threads);
                    // buffers sized for more rows than used, as ML_PREDICT reuses them for a short last batch
                    predictor.forwardBatch(inputs, rows, batch, matMul, predictor.batchBuffers(rows + 5));
                }
                for (int r = 0; r < rows; r++) {
                    assertClose(batch, r * 3, predictor.forward(row(inputs, r, sizes[0])),
                            kernels.description() + ", " + threads + " threads, row " + r + " of " + rows);
                }
            }
        }
    }

    @Test
    void concurrentPredictionsMatchOneThread() throws Exception {
        SplittableRandom random = new SplittableRandom(99);
        int[] sizes = {64, 128, 10};
        Network network = randomNetwork(sizes, Activation.TANH, Activation.SOFTMAX, random);
        int rows = 400;
        float[] inputs = sparseRows(random, rows, sizes[0], 0.6);
        Predictor predictor = new Predictor(network, KernelProvider.kernels());
        float[][] expected = new float[rows][];
        for (int r = 0; r < rows; r++) expected[r] = predictor.forward(row(inputs, r, sizes[0]));
        float[] expectedBatch = new float[rows * 10];
        {
            MatMul matMul = Engine.compute(KernelProvider.kernels(), 1);
            predictor.forwardBatch(inputs, rows, expectedBatch, matMul, predictor.batchBuffers(rows));
        }

        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * rows / threads; // each thread starts at a different row
                running.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    {
                        MatMul matMul = Engine.compute(KernelProvider.kernels(), 1);
                        Predictor.BatchBuffers buffers = predictor.batchBuffers(rows);
                        float[] batch = new float[rows * 10];
                        for (int round = 0; round < 5; round++) {
                            for (int i = 0; i < rows; i++) {
                                int r = (offset + i) % rows;
                                // the scratch-buffer path, as PREDICT calls it
                                System.arraycopy(inputs, r * sizes[0], predictor.scratchInput(), 0, sizes[0]);
                                assertArrayEquals(expected[r], predictor.forwardScratchInput(), "row " + r);
                                assertArrayEquals(expected[r], predictor.forward(row(inputs, r, sizes[0])), "row " + r);
                            }
                            predictor.forwardBatch(inputs, rows, batch, matMul, buffers);
                            assertArrayEquals(expectedBatch, batch, "batch");
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Kernels> kernelsToTest() {
        List<Kernels> kernels = new ArrayList<>();
        kernels.add(KernelProvider.scalar());
        Kernels vector = KernelProvider.vectorOrNull();
        if (vector != null) kernels.add(vector);
        return kernels;
    }

    private static void assertClose(float[] expected, int offset, float[] actual, String what) {
        for (int j = 0; j < actual.length; j++) {
            float e = expected[offset + j];
            assertEquals(e, actual[j], TOLERANCE * Math.max(1, Math.abs(e)), what + ", output " + j);
        }
    }

    /** Weights scaled by 1/√fan_in so that activations stay in a range where every function bends. */
    static Network randomNetwork(int[] sizes, Activation hidden, Activation output, SplittableRandom random) {
        Network network = new Network(sizes, hidden, output);
        for (int l = 0; l < network.layerCount(); l++) {
            double scale = 1.5 / Math.sqrt(sizes[l]);
            float[] w = network.weights(l);
            for (int i = 0; i < w.length; i++) w[i] = (float) (scale * ArrayExamples.gaussian(random));
            float[] b = network.biases(l);
            for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * ArrayExamples.gaussian(random));
        }
        return network;
    }

    /** Rows whose entries are zero with probability {@code zeros}, otherwise uniform in [-2, 2]. */
    private static float[] sparseRows(SplittableRandom random, int rows, int width, double zeros) {
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() < zeros ? 0f : (float) random.nextDouble(-2, 2);
        }
        return x;
    }

    private static float[] row(float[] inputs, int r, int width) {
        return java.util.Arrays.copyOfRange(inputs, r * width, (r + 1) * width);
    }
}

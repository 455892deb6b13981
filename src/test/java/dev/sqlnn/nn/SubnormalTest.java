package dev.sqlnn.nn;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Adam on digits drives some moments towards zero (pixels that are almost never lit, confident
 * outputs): left alone they would sink into subnormal floats, which the JVM cannot flush and x86
 * computes on many times slower. The kernels must flush them to zero.
 *
 * <p>The trainer keeps its optimizer to itself, so this test runs the same loop as
 * {@link Trainer}: shuffle, forward, backward, one optimizer step per mini-batch.
 */
class SubnormalTest {

    private static final int ROWS = 4000;
    private static final int PIXELS = 784;
    private static final int CLASSES = 10;
    /**
     * Small batches, so that two epochs make 1,000 steps: a first moment whose gradient stops
     * (a unit that died, a pixel lit in a few digits only) shrinks by β1 = 0.9 a step and needs
     * about 750 steps to fall from 1e-4 below {@link Float#MIN_NORMAL}.
     */
    private static final int BATCH = 8;

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void adamStateHoldsNoSubnormalsAfterTrainingOnDigits(boolean vector) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        ArrayExamples digits = firstDigits(ROWS);
        TrainerConfig config = new TrainerConfig(new int[] {128}, Activation.RELU, Loss.CROSS_ENTROPY, true,
                OptimizerKind.ADAM, 0.001, 0.9, 0.9, 0.999, 1e-8, BATCH, 2, 0, 0, 0, 42, 1, null, dev.sqlnn.nn.WeightInit.HE);
        Network network = new Network(config.layerSizes(PIXELS, CLASSES), Activation.RELU, Activation.SOFTMAX);
        Initializer.initialize(network, config.seed(), config.init());

        {
            MatMul matMul = Engine.compute(kernels, 1);
            Propagation pass = new Propagation(network, matMul, config.loss(), BATCH);
            Optimizer optimizer = new Optimizer(config, network, matMul);
            int[] order = new int[ROWS];
            for (int i = 0; i < ROWS; i++) order[i] = i;
            int[] labels = new int[BATCH];
            SplittableRandom shuffler = new SplittableRandom(config.seed());
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                shuffle(order, shuffler);
                for (int from = 0; from < ROWS; from += BATCH) {
                    int rows = Math.min(BATCH, ROWS - from);
                    digits.inputs(order, from, rows, pass.input(), epoch);
                    for (int r = 0; r < rows; r++) labels[r] = digits.classIndex(order[from + r]);
                    pass.forward(rows);
                    pass.backward(rows, labels, null);
                    optimizer.step(network, pass.gradW, pass.gradB);
                }
            }

            float[][] state = optimizer.state();
            assertEquals(4 * network.layerCount(), state.length, "Adam keeps two moments for each weight and bias array");
            long zeros = 0;
            for (int s = 0; s < state.length; s++) {
                for (int i = 0; i < state[s].length; i++) {
                    float x = state[s][i];
                    int slot = s, index = i;
                    assertTrue(x == 0f || Math.abs(x) >= Float.MIN_NORMAL,
                            () -> "optimizer state " + slot + "[" + index + "] is subnormal: " + x);
                    if (x == 0f) zeros++;
                }
            }
            // the border pixels of every digit are 0: their weights' moments must be exactly zero
            assertTrue(zeros > 0, "some moments should be zero");

            double accuracy = accuracy(network, digits, kernels, matMul);
            assertTrue(accuracy > 0.90, "training accuracy after 2 epochs: " + accuracy);
        }
    }

    /** The first {@code rows} bundled training digits, pixels scaled to [0, 1]. */
    private static ArrayExamples firstDigits(int rows) {
        IdxReader.Digits digits = IdxReader.bundledDigits(true);
        assertEquals(PIXELS, digits.images().pixelsPerImage());
        byte[] pixels = digits.images().pixels();
        float[] x = new float[rows * PIXELS];
        for (int i = 0; i < x.length; i++) x[i] = (pixels[i] & 0xff) / 255f;
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) y[r] = digits.labels()[r] & 0xff;
        return ArrayExamples.classification(x, PIXELS, y);
    }

    private static double accuracy(Network network, ArrayExamples examples, Kernels kernels, MatMul matMul) {
        Predictor predictor = new Predictor(network, kernels);
        int chunk = 500;
        float[] inputs = new float[chunk * PIXELS];
        float[] out = new float[chunk * CLASSES];
        Predictor.BatchBuffers buffers = predictor.batchBuffers(chunk);
        int[] all = new int[examples.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        int correct = 0;
        for (int from = 0; from < all.length; from += chunk) {
            int rows = Math.min(chunk, all.length - from);
            examples.inputs(all, from, rows, inputs, -1);
            predictor.forwardBatch(inputs, rows, out, matMul, buffers);
            for (int r = 0; r < rows; r++) {
                if (Predictor.argMax(out, r * CLASSES, CLASSES) == examples.classIndex(from + r)) correct++;
            }
        }
        return (double) correct / all.length;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

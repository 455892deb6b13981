package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks {@link Propagation#backward} against central finite differences of
 * {@link Propagation#loss}, for every hidden activation with every output layer and loss, on a
 * 5-4-3-k network (and a 5-k one, without hidden layers) and a batch of four rows, with the
 * scalar and the Vector API kernels.
 *
 * <p>{@code loss} sums over the rows while {@code backward} differentiates the mean, so the
 * finite difference is divided by the batch size; with class weights, {@code loss} sums each row's
 * loss times its class's weight and {@code backward} differentiates the weighted mean, so the
 * difference is divided by the batch's sum of weights. Weights are float: each difference is taken
 * over the step actually stored, {@code (float)(w+ε) - (float)(w-ε)}. A coordinate whose step
 * moves a ReLU, leaky ReLU or SELU pre-activation across zero is skipped: the loss has a kink there.
 *
 * <p>Dropout is checked with one fixed mask (drawn once, applied to every forward pass of the check),
 * and the L1 penalty through the optimizer's step, whose gradient it changes.
 */
class GradientCheckTest {

    private static final int ROWS = 4;
    /** Rows the pass is sized for: more than are used, so a stride that assumes a full batch shows. */
    private static final int MAX_BATCH = 7;
    private static final float EPSILON = 1e-2f;
    private static final double RELATIVE_TOLERANCE = 1e-2;
    private static final double ABSOLUTE_TOLERANCE = 1e-4;

    /** @param classWeights per class, or null for every row counting 1 */
    record Output(Activation activation, Loss loss, int width, boolean regression, float[] classWeights) {

        Output(Activation activation, Loss loss, int width, boolean regression) {
            this(activation, loss, width, regression, null);
        }

        @Override
        public String toString() {
            return activation + "+" + loss + (regression ? " regression" : "") + " ×" + width
                    + (classWeights == null ? "" : " weighted " + java.util.Arrays.toString(classWeights));
        }
    }

    /** Far from equal, so that a weight applied to the wrong row or left out of the mean shows. */
    private static final float[] CLASS_WEIGHTS = {0.25f, 4f, 1.5f};

    private static final Output[] OUTPUTS = {
        new Output(Activation.SOFTMAX, Loss.CROSS_ENTROPY, 3, false),
        new Output(Activation.SOFTMAX, Loss.MSE, 3, false),
        new Output(Activation.IDENTITY, Loss.MSE, 1, true),
        new Output(Activation.IDENTITY, Loss.MSE, 3, true),
        new Output(Activation.SOFTMAX, Loss.CROSS_ENTROPY, 3, false, CLASS_WEIGHTS),
        new Output(Activation.SOFTMAX, Loss.MSE, 3, false, CLASS_WEIGHTS),
    };

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (boolean vector : new boolean[] {false, true}) {
            for (Activation hidden : Activation.HIDDEN) {
                for (Output output : OUTPUTS) cases.add(Arguments.of(hidden, output, vector));
            }
        }
        return cases.build();
    }

    static Stream<Arguments> outputs() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (boolean vector : new boolean[] {false, true}) {
            for (Output output : OUTPUTS) cases.add(Arguments.of(output, vector));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} hidden, {1}, vector={2}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(Activation hidden, Output output, boolean vector) {
        // the later activations' seeds are shifted so that no unit of leaky ReLU's networks sits within a step of its kink
        long shift = hidden.code > Activation.SOFTMAX.code ? 7 : 0;
        SplittableRandom random = new SplittableRandom(31L * hidden.ordinal() + output.width() + shift);
        Network network = randomNetwork(new int[] {5, 4, 3, output.width()}, hidden, output.activation(), random);
        check(network, output, vector, random);
    }

    /** A single layer: the backward pass must not assume a hidden layer to propagate into. */
    @ParameterizedTest(name = "{0}, vector={1}")
    @MethodSource("outputs")
    void backwardWithoutHiddenLayers(Output output, boolean vector) {
        SplittableRandom random = new SplittableRandom(17L + output.width());
        Network network = randomNetwork(new int[] {5, output.width()}, Activation.TANH, output.activation(), random);
        check(network, output, vector, random);
    }

    /** Dropout in both hidden layers, with one mask drawn from a fixed seed and held for the whole check. */
    @ParameterizedTest(name = "{0} hidden, {1}, vector={2}")
    @MethodSource("cases")
    void backwardWithDropoutMatchesFiniteDifferencesForAFixedMask(Activation hidden, Output output, boolean vector) {
        if (output.classWeights() != null || hidden == Activation.SIGMOID) return; // enough cases, enough time
        SplittableRandom random = new SplittableRandom(53L * hidden.ordinal() + output.width());
        Network network = randomNetwork(new int[] {5, 4, 3, output.width()}, hidden, output.activation(), random);
        check(network, output, vector, random, new Regularization(new float[] {0.5f, 0.25f}, 0, 0));
    }

    /**
     * The L1 penalty: one plain SGD step of rate 1 moves each weight by minus its gradient, which must be
     * the finite difference of the mean loss plus {@code l1·Σ|w|} over the weights (biases unpenalised).
     */
    @ParameterizedTest(name = "{0} hidden, vector={1}")
    @org.junit.jupiter.params.provider.CsvSource({"TANH, false", "TANH, true", "GELU, false", "GELU, true"})
    void l1StepFollowsTheSubgradientOfThePenalisedLoss(Activation hidden, boolean vector) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        SplittableRandom random = new SplittableRandom(71);
        Output output = OUTPUTS[0];
        Network network = randomNetwork(new int[] {5, 4, 3, 3}, hidden, output.activation(), random);
        float[] inputs = uniform(random, ROWS * 5, 1.0);
        int[] classes = {0, 2, 1, 2};
        double l1 = 0.05;
        MatMul matMul = Engine.compute(kernels, 1);
        Propagation pass = new Propagation(network, matMul, output.loss(), MAX_BATCH);
        Probe probe = new Probe(pass, network, inputs, classes, null, false);
        double[][] numeric = new double[network.layerCount()][];
        for (int l = 0; l < network.layerCount(); l++) {
            float[] w = network.weights(l);
            numeric[l] = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                float kept = w[i];
                w[i] = kept + EPSILON;
                double up = w[i], lossUp = probe.loss() / probe.weight() + l1 * Math.abs(w[i]);
                w[i] = kept - EPSILON;
                double down = w[i], lossDown = probe.loss() / probe.weight() + l1 * Math.abs(w[i]);
                w[i] = kept;
                numeric[l][i] = (lossUp - lossDown) / (up - down);
            }
        }
        TrainerConfig config = new TrainerConfig(new int[] {4, 3}, hidden, output.loss(), true, OptimizerKind.SGD, 1.0,
                0, 0.9, 0.999, 1e-8, ROWS, 1, 0, 0, 0, 1, 1, null, WeightInit.GLOROT,
                new Regularization(new float[0], l1, 0), LearningRateSchedule.CONSTANT);
        Network before = network.copy();
        probe.loss();
        pass.backward(ROWS, classes, null);
        new Optimizer(config, network, matMul).step(network, pass.gradW, pass.gradB);
        for (int l = 0; l < network.layerCount(); l++) {
            float[] step = new float[network.weights(l).length];
            for (int i = 0; i < step.length; i++) step[i] = before.weights(l)[i] - network.weights(l)[i];
            assertRelativeError(step, numeric[l], "L1-penalised weight of layer " + l);
        }
    }

    private static void check(Network network, Output output, boolean vector, SplittableRandom random) {
        check(network, output, vector, random, Regularization.NONE);
    }

    private static void check(Network network, Output output, boolean vector, SplittableRandom random,
                              Regularization regularization) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        float[] inputs = uniform(random, ROWS * 5, 1.0);
        int[] classes = output.regression() ? null : new int[] {0, 2, 1, 2};
        float[] targets = output.regression() ? uniform(random, ROWS, 1.5) : null;

        {
            MatMul matMul = Engine.compute(kernels, 1);
            Propagation pass = new Propagation(network, matMul, output.loss(), output.classWeights(), regularization,
                    MAX_BATCH);
            boolean dropout = regularization.dropsUnits();
            if (dropout) pass.drawDropout(ROWS, new SplittableRandom(5));
            Probe probe = new Probe(pass, network, inputs, classes, targets, dropout);
            probe.loss();
            boolean[][] signs = probe.reluSigns();
            pass.backward(ROWS, classes, targets);

            int skipped = 0;
            for (int l = 0; l < network.layerCount(); l++) {
                skipped += checkArray(probe, signs, network.weights(l), pass.gradW[l].clone(), "weight of layer " + l);
                skipped += checkArray(probe, signs, network.biases(l), pass.gradB[l].clone(), "bias of layer " + l);
            }
            // Only ReLU has kinks, and a random network crosses few of them with so small a step.
            long parameters = network.parameterCount();
            assertTrue(skipped <= parameters / 10, skipped + " of " + parameters + " coordinates skipped at kinks");
        }
    }

    /**
     * Compares each gradient coordinate of one parameter array with its central difference;
     * returns how many coordinates were skipped because a step crossed a ReLU kink.
     */
    private static int checkArray(Probe probe, boolean[][] signs, float[] parameters, float[] analytic, String what) {
        int skipped = 0;
        double[] numeric = new double[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            float kept = parameters[i];
            parameters[i] = kept + EPSILON;
            double up = parameters[i];
            double lossUp = probe.loss();
            boolean kink = probe.crossedKink(signs);
            parameters[i] = kept - EPSILON;
            double down = parameters[i];
            double lossDown = probe.loss();
            kink |= probe.crossedKink(signs);
            parameters[i] = kept;
            if (kink) {
                skipped++;
                numeric[i] = analytic[i];
                continue;
            }
            numeric[i] = (lossUp - lossDown) / (up - down) / probe.weight();
            double error = Math.abs(analytic[i] - numeric[i]);
            double allowed = RELATIVE_TOLERANCE * Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]))
                    + ABSOLUTE_TOLERANCE;
            int index = i;
            assertTrue(error <= allowed, () -> what + " [" + index + "]: backward gives " + analytic[index]
                    + ", finite difference " + numeric[index]);
        }
        assertRelativeError(analytic, numeric, what);
        return skipped;
    }

    /** The whole array agrees, not only each coordinate within its slack: ‖a - n‖ ≤ 1e-3·(‖a‖ + ‖n‖). */
    private static void assertRelativeError(float[] analytic, double[] numeric, String what) {
        double diff = 0, a = 0, n = 0;
        for (int i = 0; i < analytic.length; i++) {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += (double) analytic[i] * analytic[i];
            n += numeric[i] * numeric[i];
        }
        double relative = Math.sqrt(diff) / (Math.sqrt(a) + Math.sqrt(n) + 1e-12);
        assertTrue(relative <= 1e-3 || Math.sqrt(diff) <= ABSOLUTE_TOLERANCE,
                what + ": relative error " + relative + " between backward and finite differences");
    }

    /** Runs the network forward on the fixed batch and reports its summed loss and ReLU pattern. */
    private record Probe(Propagation pass, Network network, float[] inputs, int[] classes, float[] targets,
                         boolean dropout) {

        double loss() {
            System.arraycopy(inputs, 0, pass.input(), 0, inputs.length);
            pass.forward(ROWS, dropout);
            return pass.loss(ROWS, classes, targets);
        }

        /** What the summed loss is divided by to give the mean that backward differentiates. */
        double weight() {
            return pass.weightSum(ROWS, classes);
        }

        /** For each hidden layer, whether each unit of each row is active, after the last {@link #loss}. */
        boolean[][] reluSigns() {
            boolean[][] signs = new boolean[network.layerCount() - 1][];
            for (int l = 1; l < network.layerCount(); l++) {
                int n = ROWS * network.size(l);
                signs[l - 1] = new boolean[n];
                for (int i = 0; i < n; i++) signs[l - 1][i] = pass.outputs[l][i] > 0f;
            }
            return signs;
        }

        boolean crossedKink(boolean[][] signs) {
            Activation hidden = network.hiddenActivation();
            if (hidden != Activation.RELU && hidden != Activation.LEAKY_RELU && hidden != Activation.SELU) return false;
            return !java.util.Arrays.deepEquals(signs, reluSigns());
        }
    }

    /** Weights uniform in ±1 (large enough that tanh and sigmoid bend), biases in ±0.5. */
    private static Network randomNetwork(int[] sizes, Activation hidden, Activation output, SplittableRandom random) {
        Network network = new Network(sizes, hidden, output);
        for (int l = 0; l < network.layerCount(); l++) {
            float[] w = network.weights(l);
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-1, 1);
            float[] b = network.biases(l);
            for (int i = 0; i < b.length; i++) b[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        return network;
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextDouble(-limit, limit);
        return x;
    }
}

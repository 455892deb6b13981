package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Class weights in the loss and its gradient, against values worked out by hand, with the scalar and
 * the Vector API kernels ({@link GradientCheckTest} checks the same against finite differences on
 * larger networks).
 *
 * <p>The network: two inputs, two classes, softmax; every weight 0 and the biases (ln 3, 0), so every
 * row's probabilities are p = (3/4, 1/4). Two rows: x₀ = (1, 0) of class 0, and x₁ = (0, 2) of class
 * 1, and class weights (1, 3), whose sum over the batch is W = 1 + 3 = 4. A row of class c counts
 * w_c / W in the weighted mean, as in PyTorch's {@code CrossEntropyLoss(weight=w)} (reduction mean).
 *
 * <p>Cross-entropy: dz_r = (w_c / W)(p − onehot): dz₀ = ¼(−¼, ¼) = (−0.0625, 0.0625), dz₁ =
 * ¾(¾, −¾) = (0.5625, −0.5625). The bias gradient is their sum, (0.5, −0.5) (unweighted it would be
 * ½(−¼ + ¾, ¼ − ¾) = (0.25, −0.25)); the weight gradient Xᵀ·dZ has rows x₀[0]·dz₀ = (−0.0625, 0.0625)
 * and x₁[1]·dz₁ = (1.125, −1.125). The loss: (1·(−ln ¾) + 3·(−ln ¼)) / 4 = 1.1116405.
 *
 * <p>MSE on one-hot targets: dy_r = (w_c / W)·(2/2)(p − t), then through the softmax, dz_i =
 * p_i(dy_i − Σ_j p_j dy_j): row 0, dy = ¼(−¼, ¼), Σ p·dy = −1/32, dz₀ = (−0.0234375, 0.0234375); row
 * 1, dy = ¾(¾, −¾), Σ p·dy = 0.28125, dz₁ = (0.2109375, −0.2109375). Bias gradient (0.1875, −0.1875),
 * weight gradient rows (−0.0234375, 0.0234375) and 2·dz₁ = (0.421875, −0.421875). The loss: row 0
 * ((¼)² + (¼)²)/2 = 0.0625, row 1 ((¾)² + (¾)²)/2 = 0.5625, (0.0625 + 3·0.5625) / 4 = 0.4375.
 */
class ClassWeightTest {

    private static final double TOLERANCE = 1e-6;
    private static final float[] INPUTS = {1f, 0f, 0f, 2f};
    private static final int[] CLASSES = {0, 1};
    private static final float[] WEIGHTS = {1f, 3f};

    private static Kernels kernels(boolean vector) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        return kernels;
    }

    private static Network network() {
        return new Network(new int[] {2, 2}, Activation.RELU, Activation.SOFTMAX,
                new float[][] {{0f, 0f, 0f, 0f}}, new float[][] {{(float) Math.log(3), 0f}});
    }

    /** Forward and backward over the two rows; returns the weighted mean loss. */
    private static double pass(Propagation pass) {
        System.arraycopy(INPUTS, 0, pass.input(), 0, INPUTS.length);
        pass.forward(2);
        double mean = pass.loss(2, CLASSES, null) / pass.weightSum(2, CLASSES);
        pass.backward(2, CLASSES, null);
        return mean;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void crossEntropyWeighsEachRowByItsClassOverTheBatchsWeight(boolean vector) {
        Propagation p = new Propagation(network(), Engine.compute(kernels(vector), 1), Loss.CROSS_ENTROPY, WEIGHTS, 2);
        double loss = pass(p);
        assertEquals(4.0, p.weightSum(2, CLASSES));
        assertEquals((-Math.log(0.75) - 3 * Math.log(0.25)) / 4, loss, TOLERANCE);
        assertClose(new double[] {0.5, -0.5}, p.gradB[0], "bias gradient");
        assertClose(new double[] {-0.0625, 0.0625, 1.125, -1.125}, p.gradW[0], "weight gradient");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void withoutWeightsEveryRowCountsOne(boolean vector) {
        Propagation p = new Propagation(network(), Engine.compute(kernels(vector), 1), Loss.CROSS_ENTROPY, null, 2);
        double loss = pass(p);
        assertEquals(2.0, p.weightSum(2, CLASSES));
        assertEquals((-Math.log(0.75) - Math.log(0.25)) / 2, loss, TOLERANCE);
        assertClose(new double[] {0.25, -0.25}, p.gradB[0], "bias gradient");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void mseOnOneHotTargetsIsWeightedTheSameWay(boolean vector) {
        Propagation p = new Propagation(network(), Engine.compute(kernels(vector), 1), Loss.MSE, WEIGHTS, 2);
        double loss = pass(p);
        assertEquals(0.4375, loss, TOLERANCE);
        assertClose(new double[] {0.1875, -0.1875}, p.gradB[0], "bias gradient");
        assertClose(new double[] {-0.0234375, 0.0234375, 0.421875, -0.421875}, p.gradW[0], "weight gradient");
    }

    /** The mean divides by the weights' sum: weights (2, 6) train exactly as (1, 3). */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void onlyTheWeightsRatiosMatter(boolean vector) {
        Propagation one = new Propagation(network(), Engine.compute(kernels(vector), 1), Loss.CROSS_ENTROPY, WEIGHTS, 2);
        Propagation two = new Propagation(network(), Engine.compute(kernels(vector), 1), Loss.CROSS_ENTROPY,
                new float[] {2f, 6f}, 2);
        assertEquals(pass(one), pass(two), 1e-12);
        assertArrayEquals(one.gradW[0], two.gradW[0]);
        assertArrayEquals(one.gradB[0], two.gradB[0]);
    }

    /**
     * A replica's step reports the weighted mean and its weight, and its evaluation (what early
     * stopping watches) weighs the held-out rows' loss the same way; accuracy is not weighted.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void replicaReportsAndEvaluatesTheWeightedMean(boolean vector) {
        TrainerConfig config = new TrainerConfig(new int[0], Activation.RELU, Loss.CROSS_ENTROPY, true,
                OptimizerKind.SGD, 0.1, 0, 0.9, 0.999, 1e-8, 2, 1, 0, 0, 0, 1, 1, WEIGHTS, dev.sqlnn.nn.WeightInit.HE);
        Network start = network();
        float[] parameters = {0f, 0f, 0f, 0f, (float) Math.log(3), 0f};
        ReplicaState state = new ReplicaState(start.sizes(), parameters, new float[0], new float[0], 0);
        Examples examples = ArrayExamples.classification(INPUTS.clone(), 2, CLASSES.clone());
        double expected = (-Math.log(0.75) - 3 * Math.log(0.25)) / 4;

        Replica replica = Replica.resume(config, kernels(vector), state, 2);
        Replica.Evaluation evaluation = replica.evaluate(examples, new int[] {0, 1});
        assertEquals(expected, evaluation.loss(), TOLERANCE);
        assertEquals(4.0, evaluation.weight());
        assertEquals(0.5, evaluation.metric(true)); // both rows predicted class 0: one right

        assertEquals(expected, replica.step(examples, new int[] {0, 1}, 0, 2, 0), TOLERANCE);
        assertEquals(4.0, replica.lastWeight());
        // SGD, learning rate 0.1: the biases move by −0.1 × (0.5, −0.5)
        assertEquals(Math.log(3) - 0.05, replica.network().biases(0)[0], TOLERANCE);
        assertEquals(0.05, replica.network().biases(0)[1], TOLERANCE);
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], TOLERANCE, what + " [" + i + "]");
    }
}

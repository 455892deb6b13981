package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Adam's step against values worked out by hand from Kingma &amp; Ba's Algorithm 1, with its bias
 * correction: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g², m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ),
 * w −= lr·m̂/(√v̂ + ε), where g includes the L2 term l2·w for weights (not biases). β1 = 0.9,
 * β2 = 0.999, lr = 0.1, on a network of one weight and one bias.
 */
class AdamStepTest {

    /** float arithmetic against exact decimals: far below the effect of any term of the rule. */
    private static final double TOLERANCE = 1e-6;

    private static Kernels kernels(boolean vector) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        return kernels;
    }

    /**
     * ε = 1e-8, no L2. Weight 0.5, gradients 0.2 then −0.1:
     * step 1: m = 0.02, v = 0.00004, m̂ = 0.02/0.1 = 0.2, v̂ = 0.00004/0.001 = 0.04, √v̂ = 0.2, so the
     * first step is lr·0.2/0.2 = lr whatever the gradient's size (without the correction it would be
     * lr·0.02/0.0063 = 0.316): w = 0.4;
     * step 2: m = 0.9·0.02 − 0.1·0.1 = 0.008, v = 0.999·0.00004 + 0.001·0.01 = 0.00004996,
     * m̂ = 0.008/0.19 = 0.0421053, v̂ = 0.00004996/0.001999 = 0.0249925, √v̂ = 0.158090,
     * w = 0.4 − 0.1·0.0421053/0.158090 = 0.4 − 0.0266337 = 0.3733663;
     * step 3, gradient 0.3: m = 0.0372, v = 0.00013991, m̂ = 0.0372/0.271 = 0.137269, v̂ = 0.0466833,
     * w = 0.3733663 − 0.1·0.137269/0.216063 = 0.3098343.
     * The bias, from −0.25 with gradients −0.4, −0.4, 0.05, likewise: −0.15, −0.05, 0.0213710.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void correctsTheMomentsForTheirBiasTowardsZero(boolean vector) {
        float[][] after = steps(kernels(vector), 1e-8, 0, new float[] {0.2f, -0.1f, 0.3f}, new float[] {-0.4f, -0.4f, 0.05f});
        assertSteps(new double[] {0.4, 0.3733663, 0.3098343}, after[0], "weight");
        assertSteps(new double[] {-0.15, -0.05, 0.0213710}, after[1], "bias");
    }

    /**
     * L2 0.1, on the weight only. Step 1: g = 0.2 + 0.1·0.5 = 0.25, again a step of exactly lr: 0.4;
     * step 2: g = −0.1 + 0.1·0.4 = −0.06, m = 0.0225 − 0.006 = 0.0165, v = 0.0000624375 + 0.0000036
     * = 0.0000660375, m̂ = 0.0868421, v̂ = 0.0330353, √v̂ = 0.181756, w = 0.4 − 0.0477794 = 0.3522205.
     * The bias is not decayed: the same −0.15, −0.05 as without L2.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void decaysWeightsButNotBiases(boolean vector) {
        float[][] after = steps(kernels(vector), 1e-8, 0.1, new float[] {0.2f, -0.1f}, new float[] {-0.4f, -0.4f});
        assertSteps(new double[] {0.4, 0.3522205}, after[0], "weight");
        assertSteps(new double[] {-0.15, -0.05}, after[1], "bias");
    }

    /**
     * A large ε = 0.1 shows where it enters: beside √v̂, the corrected moment. Step 1: m̂ = 0.2,
     * √v̂ = 0.2, w = 0.5 − 0.1·0.2/(0.2 + 0.1) = 0.4333333; step 2: w = 0.4333333 − 0.1·0.0421053/(0.158090
     * + 0.1) = 0.4170192.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void addsEpsilonToTheCorrectedSecondMomentsRoot(boolean vector) {
        float[][] after = steps(kernels(vector), 0.1, 0, new float[] {0.2f, -0.1f}, new float[] {0f, 0f});
        assertSteps(new double[] {0.4333333, 0.4170192}, after[0], "weight");
    }

    /** The weight's and the bias's values after each step, from 0.5 and −0.25. */
    private static float[][] steps(Kernels kernels, double epsilon, double l2, float[] weightGradients,
                                   float[] biasGradients) {
        TrainerConfig config = new TrainerConfig(new int[0], Activation.RELU, Loss.MSE, false, OptimizerKind.ADAM,
                0.1, 0.9, 0.9, 0.999, epsilon, 1, 1, 0, 0, l2, 1, 1, null, dev.sqlnn.nn.WeightInit.HE);
        Network network = new Network(new int[] {1, 1}, Activation.RELU, Activation.IDENTITY,
                new float[][] {{0.5f}}, new float[][] {{-0.25f}});
        Optimizer optimizer = new Optimizer(config, network, Engine.compute(kernels, 1));
        float[][] after = new float[2][weightGradients.length];
        for (int t = 0; t < weightGradients.length; t++) {
            optimizer.step(network, new float[][] {{weightGradients[t]}}, new float[][] {{biasGradients[t]}});
            after[0][t] = network.weights(0)[0];
            after[1][t] = network.biases(0)[0];
        }
        return after;
    }

    private static void assertSteps(double[] expected, float[] actual, String what) {
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], actual[t], TOLERANCE, what + " after step " + (t + 1));
        }
    }
}

package dev.sqlnn.nn;

import java.util.SplittableRandom;

/**
 * Initial weights, as {@link WeightInit} says: He (normal, std √(2/fan_in)) in front of ReLU and its
 * kin that pass positive inputs through (leaky ReLU, ELU, GELU) and Xavier/Glorot (uniform, limit
 * √(6/(fan_in+fan_out))) in front of tanh, sigmoid, SELU, softplus and the output layer; or Glorot
 * everywhere. Biases start at 0.
 */
public final class Initializer {

    private Initializer() {
    }

    public static void initialize(Network network, long seed, WeightInit init) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < network.layerCount(); l++) {
            int fanIn = network.size(l);
            int fanOut = network.size(l + 1);
            float[] w = network.weights(l);
            if (init == WeightInit.HE && reluLike(network.activation(l))) {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < w.length; i++) w[i] = (float) (gaussian(random) * std);
            } else {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-limit, limit);
            }
            java.util.Arrays.fill(network.biases(l), 0f);
        }
    }

    private static boolean reluLike(Activation a) {
        return a == Activation.RELU || a == Activation.LEAKY_RELU || a == Activation.ELU || a == Activation.GELU;
    }

    /** Standard normal by Box–Muller (SplittableRandom has no nextGaussian before Java 17's RandomGenerator default). */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}

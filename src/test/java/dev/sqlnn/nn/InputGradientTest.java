package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks {@link InputGradient} against central finite differences of a double-precision forward
 * pass written out here, for every hidden activation, a softmax (each row asking for another class)
 * and an identity output, with the scalar and the Vector API kernels; on dense inputs and on inputs
 * that are mostly zeros (which take {@link SparseBatch}'s path, as the pixels of a digit do). A
 * coordinate whose step moves a ReLU pre-activation across zero is skipped: the output has a kink there.
 */
class InputGradientTest {

    private static final int ROWS = 4;
    private static final int WIDTH = 30;
    private static final double EPSILON = 1e-3;
    private static final double RELATIVE_TOLERANCE = 1e-2;
    private static final double ABSOLUTE_TOLERANCE = 2e-4;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (boolean vector : new boolean[] {false, true}) {
            for (Activation hidden : Activation.HIDDEN) {
                for (Activation output : new Activation[] {Activation.SOFTMAX, Activation.IDENTITY}) {
                    for (boolean sparse : new boolean[] {false, true}) cases.add(Arguments.of(hidden, output, sparse, vector));
                }
            }
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, mostly zeros={2}, vector={3}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Activation hidden, Activation output, boolean sparse, boolean vector) {
        Kernels kernels = vector ? KernelProvider.vectorOrNull() : KernelProvider.scalar();
        assumeTrue(kernels != null, "jdk.incubator.vector is not readable in this JVM");
        SplittableRandom random = new SplittableRandom(7L * hidden.ordinal() + output.ordinal() + (sparse ? 100 : 0));
        int outputs = output == Activation.SOFTMAX ? 3 : 1;
        Network network = new Network(new int[] {WIDTH, 8, 5, outputs}, hidden, output);
        for (int l = 0; l < network.layerCount(); l++) {
            float[] w = network.weights(l);
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextDouble(-0.6, 0.6);
            float[] b = network.biases(l);
            for (int i = 0; i < b.length; i++) b[i] = (float) random.nextDouble(-0.3, 0.3);
        }
        float[] x = new float[ROWS * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = sparse && random.nextDouble() < 0.9 ? 0f : (float) random.nextDouble(-1, 1);
        }
        int[] units = new int[ROWS];
        for (int r = 0; r < ROWS; r++) units[r] = r % outputs;

        InputGradient gradient = new InputGradient(network, kernels, ROWS + 3, 1);
        System.arraycopy(x, 0, gradient.inputs(), 0, x.length);
        gradient.compute(ROWS, units);
        float[] analytic = gradient.gradients().clone();

        int skipped = 0;
        for (int r = 0; r < ROWS; r++) {
            double[] row = new double[WIDTH];
            for (int i = 0; i < WIDTH; i++) row[i] = x[r * WIDTH + i];
            assertEquals(forward(network, row, null)[units[r]], gradient.outputs()[r * outputs + units[r]], 1e-5,
                    "the forward pass's output of row " + r);
            for (int i = 0; i < WIDTH; i++) {
                double kept = row[i];
                row[i] = kept + EPSILON;
                boolean[] signsUp = new boolean[13];
                double up = forward(network, row, signsUp)[units[r]];
                row[i] = kept - EPSILON;
                boolean[] signsDown = new boolean[13];
                double down = forward(network, row, signsDown)[units[r]];
                row[i] = kept;
                boolean kinked = hidden == Activation.RELU || hidden == Activation.LEAKY_RELU || hidden == Activation.SELU;
                if (kinked && !java.util.Arrays.equals(signsUp, signsDown)) {
                    skipped++;
                    continue;
                }
                double numeric = (up - down) / (2 * EPSILON);
                double got = analytic[r * WIDTH + i];
                double tolerance = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(numeric);
                int row0 = r, input = i;
                assertTrue(Math.abs(got - numeric) <= tolerance,
                        () -> "d output[" + units[row0] + "] / d input " + input + " of row " + row0 + ": " + got
                                + ", finite difference " + numeric);
            }
        }
        assertTrue(skipped <= ROWS * WIDTH / 10, skipped + " coordinates skipped at kinks");
    }

    /** The network in double precision; {@code signs} (if given) records which hidden pre-activations are positive. */
    private static double[] forward(Network network, double[] input, boolean[] signs) {
        double[] a = input;
        int unit = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            int in = network.size(l);
            int out = network.size(l + 1);
            double[] z = new double[out];
            for (int j = 0; j < out; j++) {
                double sum = network.biases(l)[j];
                for (int i = 0; i < in; i++) sum += a[i] * network.weights(l)[i * out + j];
                z[j] = sum;
            }
            Activation activation = network.activation(l);
            if (activation == Activation.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) max = Math.max(max, v);
                double total = 0;
                for (int j = 0; j < out; j++) total += z[j] = Math.exp(z[j] - max);
                for (int j = 0; j < out; j++) z[j] /= total;
            } else {
                for (int j = 0; j < out; j++) {
                    if (signs != null && l < network.layerCount() - 1) signs[unit++] = z[j] > 0;
                    z[j] = switch (activation) {
                        case RELU -> Math.max(0, z[j]);
                        case TANH -> Math.tanh(z[j]);
                        case SIGMOID -> 1 / (1 + Math.exp(-z[j]));
                        case LEAKY_RELU -> z[j] > 0 ? z[j] : 0.01 * z[j];
                        case ELU -> z[j] > 0 ? z[j] : Math.expm1(z[j]);
                        case SELU -> 1.0507009873554805 * (z[j] > 0 ? z[j] : 1.6732632423543772 * Math.expm1(z[j]));
                        case GELU -> 0.5 * z[j] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z[j] + 0.044715 * Math.pow(z[j], 3))));
                        case SOFTPLUS -> Math.max(z[j], 0) + Math.log1p(Math.exp(-Math.abs(z[j])));
                        default -> z[j];
                    };
                }
            }
            a = z;
        }
        return a;
    }
}

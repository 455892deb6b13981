package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

/**
 * Applies one update rule to every parameter array of a network, keeping the per-parameter state
 * (velocities, or Adam's moments) between steps. L2 weight decay applies to weights, not biases.
 *
 * <p>Before the update, when asked for: the L1 penalty's subgradient {@code l1·sign(w)} is added to the
 * weights' gradients, then the whole gradient is scaled down to the clipping norm if it is longer.
 * Both are separate passes, so that a training without them runs the update kernels alone.
 */
final class Optimizer {

    private final OptimizerKind kind;
    private final Kernels kernels;
    private final MatMul parallel;
    /** Set before each epoch by the learning-rate schedule. */
    private float learningRate;
    private final float l1;
    private final double gradientClip;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float l2;
    /** Per layer: state for weights at [2l], for biases at [2l+1]; Adam uses two arrays each. */
    private final float[][] first;
    private final float[][] second;
    private int step;

    Optimizer(TrainerConfig config, Network network, MatMul parallel) {
        this.kind = config.optimizer();
        this.kernels = parallel.kernels();
        this.parallel = parallel;
        this.learningRate = (float) config.learningRate();
        this.momentum = kind == OptimizerKind.SGD ? 0f : (float) config.momentum();
        this.beta1 = (float) config.beta1();
        this.beta2 = (float) config.beta2();
        this.epsilon = (float) config.epsilon();
        this.l2 = (float) config.l2();
        this.l1 = (float) config.regularization().l1();
        this.gradientClip = config.regularization().gradientClip();
        int layers = network.layerCount();
        first = new float[2 * layers][];
        second = kind == OptimizerKind.ADAM ? new float[2 * layers][] : null;
        for (int l = 0; l < layers; l++) {
            first[2 * l] = new float[network.weights(l).length];
            first[2 * l + 1] = new float[network.biases(l).length];
            if (second != null) {
                second[2 * l] = new float[network.weights(l).length];
                second[2 * l + 1] = new float[network.biases(l).length];
            }
        }
    }

    /** One step with the gradients {@code gradW[l]}, {@code gradB[l]} of every layer. */
    void step(Network network, float[][] gradW, float[][] gradB) {
        step++;
        if (l1 > 0) addL1(network, gradW);
        if (gradientClip > 0) clip(gradW, gradB);
        for (int l = 0; l < network.layerCount(); l++) {
            update(network.weights(l), gradW[l], 2 * l, l2);
            update(network.biases(l), gradB[l], 2 * l + 1, 0f);
        }
    }

    private void update(float[] w, float[] g, int slot, float decay) {
        if (kind == OptimizerKind.ADAM) {
            // Bias corrections folded into the step and epsilon (Kingma & Ba, section 2), the same
            // update as PyTorch's: lr·m̂/(√v̂+ε) = lr·√(1-β2ᵗ)/(1-β1ᵗ) · m/(√v + ε·√(1-β2ᵗ)).
            double correction2 = Math.sqrt(1 - Math.pow(beta2, step));
            float stepSize = (float) (learningRate * correction2 / (1 - Math.pow(beta1, step)));
            float epsilonHat = (float) (epsilon * correction2);
            float[] m = first[slot];
            float[] v = second[slot];
            // Memory-bound (four arrays the size of the network): split across the cores.
            parallel.forEachRange(w.length, (from, to) -> kernels.adam(w, g, m, v, from, to,
                    stepSize, beta1, beta2, epsilonHat, decay));
        } else {
            float[] velocity = first[slot];
            boolean nesterov = kind == OptimizerKind.NESTEROV;
            parallel.forEachRange(w.length, (from, to) -> kernels.momentum(w, g, velocity, from, to,
                    learningRate, momentum, nesterov, decay));
        }
    }

    /** The step size of the steps to come: a learning-rate schedule changes it between epochs. */
    void setLearningRate(double rate) {
        learningRate = (float) rate;
    }

    private void addL1(Network network, float[][] gradW) {
        for (int l = 0; l < network.layerCount(); l++) {
            float[] w = network.weights(l);
            float[] g = gradW[l];
            parallel.forEachRange(w.length, (from, to) -> {
                for (int i = from; i < to; i++) g[i] += l1 * Math.signum(w[i]);
            });
        }
    }

    /** Scales every gradient by {@code gradientClip / ‖g‖} when the global L2 norm {@code ‖g‖} exceeds it. */
    private void clip(float[][] gradW, float[][] gradB) {
        double squares = 0;
        for (int l = 0; l < gradW.length; l++) {
            squares += kernels.dot(gradW[l], 0, gradW[l], 0, gradW[l].length);
            squares += kernels.dot(gradB[l], 0, gradB[l], 0, gradB[l].length);
        }
        double norm = Math.sqrt(squares);
        if (!(norm > gradientClip)) return;
        float scale = (float) (gradientClip / norm);
        for (int l = 0; l < gradW.length; l++) {
            scale(gradW[l], scale);
            scale(gradB[l], scale);
        }
    }

    private void scale(float[] g, float by) {
        parallel.forEachRange(g.length, (from, to) -> {
            for (int i = from; i < to; i++) g[i] *= by;
        });
    }

    long steps() {
        return step;
    }

    /** The per-parameter state flat, in {@link ReplicaState}'s order: {first, second} (second empty unless Adam). */
    float[][] flatState(Network network) {
        return new float[][] {flatten(first, network), second == null ? new float[0] : flatten(second, network)};
    }

    /** Continues from a state that {@link #flatState} gave, after {@code steps} steps. */
    void restore(float[] flatFirst, float[] flatSecond, long steps) {
        this.step = Math.toIntExact(steps);
        if (flatFirst.length == 0 && flatSecond.length == 0) return; // parameters only: a fresh optimizer
        unflatten(flatFirst, first);
        if (second != null) unflatten(flatSecond, second);
        else if (flatSecond.length != 0) throw new IllegalArgumentException("only Adam keeps second moments");
    }

    private static float[] flatten(float[][] slots, Network network) {
        float[] all = new float[Math.toIntExact(network.parameterCount())];
        int at = 0;
        for (float[] slot : slots) {
            System.arraycopy(slot, 0, all, at, slot.length);
            at += slot.length;
        }
        return all;
    }

    private static void unflatten(float[] all, float[][] slots) {
        int at = 0;
        for (float[] slot : slots) {
            if (at + slot.length > all.length) throw new IllegalArgumentException("optimizer state too short");
            System.arraycopy(all, at, slot, 0, slot.length);
            at += slot.length;
        }
        if (at != all.length) throw new IllegalArgumentException("optimizer state has " + all.length + " values; expected " + at);
    }

    /** Adam's moments or the velocities, for tests that check they hold no subnormals. */
    float[][] state() {
        return second == null ? first : concat(first, second);
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

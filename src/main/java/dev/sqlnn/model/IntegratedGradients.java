package dev.sqlnn.model;

import dev.sqlnn.nn.InputGradient;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Attributions of one model's predictions to its inputs by integrated gradients (Sundararajan, Taly
 * and Yan, 2017): input {@code i}'s attribution is {@code (x_i - b_i) × ∫₀¹ ∂f/∂x_i (b + α(x - b)) dα},
 * the gradient of the explained output {@code f} averaged along the straight line from a baseline
 * {@code b} to the row {@code x}. Their sum is {@code f(x) - f(b)} (completeness), up to the error of
 * the integral's sum.
 *
 * <p>Choices, the same for every front door:
 * <ul>
 * <li>the inputs are the network's: after encoding and scaling, named by {@link Model#inputNames()};</li>
 * <li>the baseline is the zero input: a standardised number column (scale {@code auto} or
 *     {@code standard}) at its training mean, every one-hot input of a category at 0 (no category at
 *     all), every byte-scaled pixel black; a {@code minmax} column sits at its training minimum and an
 *     unscaled ({@code none}) one at 0;</li>
 * <li>{@code f} is a classifier's probability of the class it predicts for {@code x} (after the
 *     softmax, so attributions are in probability), or a regression's value in the label's units;</li>
 * <li>the integral is a trapezoid sum over {@link #STEPS} intervals; while the attributions' sum misses
 *     {@code f(x) - f(b)} by more than {@link #TOLERANCE} of it, the intervals are halved (reusing every
 *     gradient taken), up to {@link #MAX_STEPS}.</li>
 * </ul>
 * One instance serves one thread; its buffers are allocated once.
 */
public final class IntegratedGradients {

    /** Intervals of the first trapezoid sum. */
    public static final int STEPS = 64;
    /** Intervals at most, after halving. */
    public static final int MAX_STEPS = 1024;
    /** How far the attributions' sum may miss {@code f(x) - f(b)}, as a share of it. */
    public static final double TOLERANCE = 0.01;
    /** Below this (in probability, or label units over the label's scale) a miss is float rounding, not the sum's error. */
    private static final double ABSOLUTE_FLOOR = 1e-6;

    /**
     * One row's explanation.
     *
     * @param output       {@code f(x)}: the explained output for the row
     * @param baseline     {@code f(b)}: the same output at the baseline
     * @param attributions one per network input, in the order of {@link Model#inputNames()}
     * @param steps        the trapezoid's intervals
     */
    public record Explanation(double output, double baseline, double[] attributions, int steps) {

        /** {@code |Σ attributions - (f(x) - f(b))|}: how far completeness misses. */
        public double gap() {
            double sum = 0;
            for (double a : attributions) sum += a;
            return Math.abs(sum - (output - baseline));
        }

        /**
         * The inputs with the {@code k} largest absolute attributions (all of them when there are
         * fewer), largest first; equal ones in input order.
         */
        public int[] top(int k) {
            return IntStream.range(0, attributions.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(attributions[i])).thenComparing(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
        }
    }

    private final Model model;
    private final InputGradient gradient;
    private final int width;
    /** Per input, the trapezoid's weighted sum of gradients taken so far. */
    private final double[] sums;
    private final int[] units;

    /** Explains rows of {@code model} on at most {@code threads} of the engine's threads. */
    public IntegratedGradients(Model model, int threads) {
        this.model = model;
        this.gradient = new InputGradient(model.network(), STEPS + 1, threads);
        this.width = model.inputWidth();
        this.sums = new double[width];
        this.units = new int[gradient.capacity()];
    }

    /**
     * Explains the scaled input row {@code x[offset..offset + inputWidth)}: a classifier's output
     * unit {@code classIndex} (its predicted class), or a regression's one output ({@code classIndex} 0).
     */
    public Explanation explain(float[] x, int offset, int classIndex) {
        Arrays.fill(units, classIndex);
        Arrays.fill(sums, 0);
        int steps = STEPS;
        // The ends count half in a trapezoid sum; they also give f(b) and f(x).
        double[] alphas = new double[steps + 1];
        alphas[0] = 0;
        alphas[1] = 1;
        for (int k = 1; k < steps; k++) alphas[k + 1] = (double) k / steps;
        float[] ends = accumulate(x, offset, alphas, 2);
        double baseline = output(ends[0]);
        double output = output(ends[1]);
        double[] attributions = new double[width];
        while (true) {
            attribute(x, offset, steps, attributions);
            Explanation explanation = new Explanation(output, baseline, attributions, steps);
            double tolerance = TOLERANCE * Math.abs(output - baseline) + ABSOLUTE_FLOOR * scale();
            if (steps >= MAX_STEPS || explanation.gap() <= tolerance) return explanation;
            // Halve the intervals: the new points are the old intervals' midpoints, each counting 1.
            double[] midpoints = new double[steps];
            for (int k = 0; k < steps; k++) midpoints[k] = (2.0 * k + 1) / (2.0 * steps);
            accumulate(x, offset, midpoints, 0);
            steps *= 2;
        }
    }

    /**
     * Adds the gradient at {@code b + α(x - b)} for each α to {@link #sums}, the first
     * {@code halves} of them counted half; returns the explained output unit at those first ones.
     */
    private float[] accumulate(float[] x, int offset, double[] alphas, int halves) {
        float[] ends = new float[halves];
        float[] inputs = gradient.inputs();
        int outputs = model.outputWidth();
        for (int from = 0; from < alphas.length; from += gradient.capacity()) {
            int rows = Math.min(gradient.capacity(), alphas.length - from);
            for (int r = 0; r < rows; r++) {
                float alpha = (float) alphas[from + r];
                // The baseline is the zero input, so the point is α x.
                for (int i = 0; i < width; i++) inputs[r * width + i] = alpha * x[offset + i];
            }
            gradient.compute(rows, units);
            float[] g = gradient.gradients();
            for (int r = 0; r < rows; r++) {
                double weight = from + r < halves ? 0.5 : 1.0;
                for (int i = 0; i < width; i++) sums[i] += weight * g[r * width + i];
                if (from + r < halves) ends[from + r] = gradient.outputs()[r * outputs + units[r]];
            }
        }
        return ends;
    }

    /** Attributions in the explained output's units: {@code x × (the trapezoid's integral of the gradient)}. */
    private void attribute(float[] x, int offset, int steps, double[] attributions) {
        double perStep = scale() / steps;
        for (int i = 0; i < width; i++) attributions[i] = x[offset + i] * sums[i] * perStep;
    }

    /** The explained output of a network output: a probability as it is, a regression's in the label's units. */
    private double output(float networkOutput) {
        return model.isClassifier() ? networkOutput : model.value(networkOutput);
    }

    /** What one unit of network output is in the explained output's units. */
    private double scale() {
        return model.isClassifier() ? 1 : model.targetScale();
    }
}

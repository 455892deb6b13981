package dev.sqlnn.nn;

import java.util.SplittableRandom;

/**
 * {@link Examples} over plain arrays, and the small synthetic data sets the engine's tests train
 * on: XOR, Gaussian blobs and a noisy plane. Every generator is seeded.
 */
final class ArrayExamples implements Examples {

    private final float[] inputs;
    private final int width;
    private final int[] classes;
    private final float[] targets;

    private ArrayExamples(float[] inputs, int width, int[] classes, float[] targets) {
        int rows = classes != null ? classes.length : targets.length;
        if (inputs.length != (long) rows * width) {
            throw new IllegalArgumentException(rows + " rows of " + width + " need " + (long) rows * width
                    + " inputs; got " + inputs.length);
        }
        this.inputs = inputs;
        this.width = width;
        this.classes = classes;
        this.targets = targets;
    }

    static ArrayExamples classification(float[] inputs, int width, int[] classes) {
        return new ArrayExamples(inputs, width, classes, null);
    }

    static ArrayExamples regression(float[] inputs, int width, float[] targets) {
        return new ArrayExamples(inputs, width, null, targets);
    }

    @Override
    public int size() {
        return classes != null ? classes.length : targets.length;
    }

    @Override
    public int inputWidth() {
        return width;
    }

    @Override
    public void inputs(int[] rows, int from, int count, float[] out, int epoch) {
        for (int r = 0; r < count; r++) {
            System.arraycopy(inputs, rows[from + r] * width, out, r * width, width);
        }
    }

    @Override
    public int classIndex(int row) {
        return classes[row];
    }

    @Override
    public float target(int row) {
        return targets[row];
    }

    /** One row's inputs, copied. */
    float[] row(int row) {
        return java.util.Arrays.copyOfRange(inputs, row * width, (row + 1) * width);
    }

    /** The four XOR cases, each repeated {@code repeats} times; class 1 when exactly one input is 1. */
    static ArrayExamples xor(int repeats) {
        float[] x = new float[4 * repeats * 2];
        int[] y = new int[4 * repeats];
        for (int r = 0; r < y.length; r++) {
            int a = r & 1;
            int b = (r >> 1) & 1;
            x[2 * r] = a;
            x[2 * r + 1] = b;
            y[r] = a ^ b;
        }
        return classification(x, 2, y);
    }

    /** {@code perClass} points around each center (2-D), Gaussian with deviation {@code spread}. */
    static ArrayExamples blobs(float[][] centers, int perClass, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rows = centers.length * perClass;
        float[] x = new float[rows * 2];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            int c = r % centers.length;
            x[2 * r] = (float) (centers[c][0] + spread * gaussian(random));
            x[2 * r + 1] = (float) (centers[c][1] + spread * gaussian(random));
            y[r] = c;
        }
        return classification(x, 2, y);
    }

    /** Three well separated blobs: about six deviations between any two centers. */
    static ArrayExamples threeBlobs(int perClass, long seed) {
        return blobs(new float[][] {{0f, 0f}, {4f, 0f}, {2f, 3.5f}}, perClass, 0.7, seed);
    }

    /** {@code y = 3·x1 - 2·x2 + 1 + noise}, with x uniform in [-1, 1]². */
    static ArrayExamples plane(int rows, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 2];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            double x1 = random.nextDouble(-1, 1);
            double x2 = random.nextDouble(-1, 1);
            x[2 * r] = (float) x1;
            x[2 * r + 1] = (float) x2;
            y[r] = (float) (3 * x1 - 2 * x2 + 1 + noise * gaussian(random));
        }
        return regression(x, 2, y);
    }

    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}

package dev.sqlnn.data;

import java.util.Arrays;

/**
 * Fits the {@link Preprocessing} for a dataset's features: what the {@code scale} option asks for,
 * computed from the training rows and then stored with the model.
 *
 * <p>Statistics use double accumulators and two passes (mean, then squared deviations from it), so a
 * feature with a large offset and a small spread keeps its variance; a one-pass sum of squares would
 * cancel it away. A constant feature (standard deviation or range 0) gets factor 1, so it becomes 0
 * rather than NaN. One-hot inputs of categories are left unscaled.
 */
public final class Scaler {

    /** Values per raw batch: large enough to amortise the calls, small enough to stay in cache. */
    private static final int BATCH_VALUES = 1 << 16;

    private Scaler() {
    }

    /**
     * AUTO gives bytes/255 for byte features and STANDARD for numeric ones; STANDARD and MINMAX fit on
     * the raw values of either kind (unsigned bytes as 0..255); NONE is the identity.
     */
    public static Preprocessing fit(Dataset dataset, Scaling requested) {
        Preprocessing fitted = fitAll(dataset, requested);
        return dataset.encoding() == null ? fitted : dataset.encoding().leaveCategoriesUnscaled(fitted);
    }

    private static Preprocessing fitAll(Dataset dataset, Scaling requested) {
        Scaling scaling = resolve(requested, dataset.kind());
        return switch (scaling) {
            case BYTES -> Preprocessing.bytes(dataset.width());
            case NONE -> Preprocessing.identity(dataset.kind(), dataset.width());
            case STANDARD -> {
                double[] means = means(sums(dataset), dataset.rows());
                yield standard(dataset.kind(), means, squaredDeviations(dataset, means), dataset.rows());
            }
            case MINMAX -> {
                float[][] range = range(dataset);
                yield minMax(dataset.kind(), range[0], range[1]);
            }
            case AUTO -> throw new AssertionError("AUTO was resolved above");
        };
    }

    /** The scaling {@code requested} means for features of {@code kind}; refuses BYTES for numbers. */
    public static Scaling resolve(Scaling requested, FeatureKind kind) {
        Scaling scaling = requested != Scaling.AUTO ? requested
                : kind == FeatureKind.BYTES ? Scaling.BYTES : Scaling.STANDARD;
        if (scaling == Scaling.BYTES && kind != FeatureKind.BYTES) {
            throw new IllegalArgumentException("BYTES scaling divides unsigned bytes by 255; these features are "
                    + kind + ": use STANDARD, MINMAX or NONE");
        }
        return scaling;
    }

    // The fits in pieces, so that parts of a table read in several places (Spark partitions) fit as one:
    // sums, then squared deviations from the means of all parts, or ranges; each added up part by part.

    /** Per feature, the sum of its raw values over every row. */
    public static double[] sums(Dataset dataset) {
        int width = dataset.width();
        double[] sums = new double[width];
        forEachRawBatch(dataset, (batch, count) -> {
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < width; f++) sums[f] += batch[r * width + f];
            }
        });
        return sums;
    }

    public static double[] means(double[] sums, long rows) {
        double[] means = new double[sums.length];
        for (int f = 0; f < sums.length; f++) means[f] = sums[f] / rows;
        return means;
    }

    /** Per feature, the sum of squared deviations of its raw values from {@code means}. */
    public static double[] squaredDeviations(Dataset dataset, double[] means) {
        int width = dataset.width();
        double[] squaredDeviations = new double[width];
        forEachRawBatch(dataset, (batch, count) -> {
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < width; f++) {
                    double deviation = batch[r * width + f] - means[f];
                    squaredDeviations[f] += deviation * deviation;
                }
            }
        });
        return squaredDeviations;
    }

    public static Preprocessing standard(FeatureKind kind, double[] means, double[] squaredDeviations, long rows) {
        int width = means.length;
        float[] shift = new float[width];
        float[] factor = new float[width];
        for (int f = 0; f < width; f++) {
            shift[f] = (float) means[f];
            factor[f] = inverseOrOne(Math.sqrt(squaredDeviations[f] / rows));
        }
        return new Preprocessing(kind, Scaling.STANDARD, shift, factor);
    }

    /** Per feature, {minimum, maximum} of its raw values. */
    public static float[][] range(Dataset dataset) {
        int width = dataset.width();
        float[] minimum = new float[width];
        float[] maximum = new float[width];
        Arrays.fill(minimum, Float.POSITIVE_INFINITY);
        Arrays.fill(maximum, Float.NEGATIVE_INFINITY);
        forEachRawBatch(dataset, (batch, count) -> {
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < width; f++) {
                    float value = batch[r * width + f];
                    if (value < minimum[f]) minimum[f] = value;
                    if (value > maximum[f]) maximum[f] = value;
                }
            }
        });
        return new float[][] {minimum, maximum};
    }

    public static Preprocessing minMax(FeatureKind kind, float[] minimum, float[] maximum) {
        float[] factor = new float[minimum.length];
        for (int f = 0; f < factor.length; f++) factor[f] = inverseOrOne((double) maximum[f] - minimum[f]);
        return new Preprocessing(kind, Scaling.MINMAX, minimum, factor);
    }

    /** 1/spread, or 1 when the feature is constant (or so nearly so that 1/spread overflows float). */
    private static float inverseOrOne(double spread) {
        float inverse = (float) (1.0 / spread);
        return spread > 0 && Float.isFinite(inverse) ? inverse : 1f;
    }

    private interface RawBatchVisitor {
        /** {@code batch} holds {@code count} raw rows, row-major. */
        void visit(float[] batch, int count);
    }

    /** Hands every row to {@code visitor} unscaled, in batches, without a float copy of the whole dataset. */
    private static void forEachRawBatch(Dataset dataset, RawBatchVisitor visitor) {
        int width = dataset.width();
        int rowsPerBatch = Math.max(1, Math.min(dataset.rows(), BATCH_VALUES / width));
        Preprocessing identity = Preprocessing.identity(dataset.kind(), width);
        int[] allRows = new int[dataset.rows()];
        for (int row = 0; row < allRows.length; row++) allRows[row] = row;
        float[] batch = new float[rowsPerBatch * width];
        for (int from = 0; from < allRows.length; from += rowsPerBatch) {
            int count = Math.min(rowsPerBatch, allRows.length - from);
            dataset.scaledRows(identity, allRows, from, count, batch); // identity: exact bytes-to-float copy
            visitor.visit(batch, count);
        }
    }
}

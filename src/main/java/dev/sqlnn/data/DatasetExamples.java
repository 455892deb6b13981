package dev.sqlnn.data;

import dev.sqlnn.nn.Examples;

/**
 * A {@link Dataset} as the trainer sees it: rows scaled by the fitted {@link Preprocessing}, and
 * regression targets standardised ({@code (t - targetShift) / targetScale}) so that the network's
 * single output works near unit scale whatever the label's units.
 */
public final class DatasetExamples implements Examples {

    private final Dataset dataset;
    private final Preprocessing preprocessing;
    private final double targetShift;
    private final double targetScale;

    public DatasetExamples(Dataset dataset, Preprocessing preprocessing, double targetShift, double targetScale) {
        if (preprocessing.width() != dataset.width()) {
            throw new IllegalArgumentException("preprocessing covers " + preprocessing.width()
                    + " features; the dataset has " + dataset.width());
        }
        this.dataset = dataset;
        this.preprocessing = preprocessing;
        this.targetShift = targetShift;
        this.targetScale = targetScale;
    }

    /** Classification rows, or regression rows with their targets standardised by their mean and deviation. */
    public static DatasetExamples of(Dataset dataset, Preprocessing preprocessing) {
        if (dataset.task() == Task.CLASSIFICATION) {
            return new DatasetExamples(dataset, preprocessing, 0, 1);
        }
        double sum = 0;
        for (int r = 0; r < dataset.rows(); r++) sum += dataset.target(r);
        double mean = sum / dataset.rows();
        double squares = 0;
        for (int r = 0; r < dataset.rows(); r++) {
            double d = dataset.target(r) - mean;
            squares += d * d;
        }
        double std = Math.sqrt(squares / dataset.rows());
        return new DatasetExamples(dataset, preprocessing, mean, std > 0 && Double.isFinite(std) ? std : 1);
    }

    public Dataset dataset() {
        return dataset;
    }

    public double targetShift() {
        return targetShift;
    }

    public double targetScale() {
        return targetScale;
    }

    @Override
    public int size() {
        return dataset.rows();
    }

    @Override
    public int inputWidth() {
        return dataset.width();
    }

    @Override
    public void inputs(int[] rows, int from, int count, float[] out, int epoch) {
        dataset.scaledRows(preprocessing, rows, from, count, out);
    }

    @Override
    public int classIndex(int row) {
        return dataset.classIndex(row);
    }

    @Override
    public float target(int row) {
        return (float) ((dataset.target(row) - targetShift) / targetScale);
    }
}

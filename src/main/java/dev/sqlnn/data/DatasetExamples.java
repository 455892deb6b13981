package dev.sqlnn.data;

import dev.sqlnn.nn.Examples;

/**
 * A {@link Dataset} as the trainer sees it: rows scaled by the fitted {@link Preprocessing}, and
 * regression targets standardised ({@code (t - targetShift) / targetScale}) so that the network's
 * single output works near unit scale whatever the label's units.
 *
 * <p>With an {@link ImageAugmenter}, training batches ({@code epoch >= 0}) see each image randomly
 * shifted and rotated before it is scaled; evaluation ({@code epoch} -1) always sees the rows as
 * stored. The image is transformed as bytes, so zero fill means a black pixel whatever the scaling.
 */
public final class DatasetExamples implements Examples {

    private final Dataset dataset;
    private final Preprocessing preprocessing;
    private final double targetShift;
    private final double targetScale;
    private final ImageAugmenter augmenter; // null: none
    /** One augmented image per thread that asks for batches: no allocation per row or batch. */
    private final ThreadLocal<byte[]> augmented;

    public DatasetExamples(Dataset dataset, Preprocessing preprocessing, double targetShift, double targetScale) {
        this(dataset, preprocessing, targetShift, targetScale, null);
    }

    private DatasetExamples(Dataset dataset, Preprocessing preprocessing, double targetShift, double targetScale,
                            ImageAugmenter augmenter) {
        if (preprocessing.width() != dataset.width()) {
            throw new IllegalArgumentException("preprocessing covers " + preprocessing.width()
                    + " features; the dataset has " + dataset.width());
        }
        if (augmenter != null && (dataset.kind() != FeatureKind.BYTES || augmenter.width() != dataset.width())) {
            throw new IllegalArgumentException("augmentation transforms images of " + augmenter.rows() + "×"
                    + augmenter.columns() + " = " + augmenter.width() + " bytes; the dataset has " + dataset.width()
                    + " " + dataset.kind() + " features");
        }
        this.dataset = dataset;
        this.preprocessing = preprocessing;
        this.targetShift = targetShift;
        this.targetScale = targetScale;
        this.augmenter = augmenter == null || augmenter.isIdentity() ? null : augmenter;
        this.augmented = this.augmenter == null ? null : ThreadLocal.withInitial(() -> new byte[dataset.width()]);
    }

    /**
     * These examples with training images augmented by {@code augmenter}, whose image size must be the
     * width of the dataset's byte features.
     */
    public DatasetExamples withAugmenter(ImageAugmenter augmenter) {
        return new DatasetExamples(dataset, preprocessing, targetShift, targetScale,
                java.util.Objects.requireNonNull(augmenter));
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
        if (augmenter == null || epoch < 0) {
            dataset.scaledRows(preprocessing, rows, from, count, out);
            return;
        }
        int width = dataset.width();
        java.util.Objects.checkFromIndexSize(from, count, rows.length);
        if ((long) count * width > out.length) {
            throw new IllegalArgumentException(count + " rows of " + width + " features need an output of "
                    + (long) count * width + " floats; got " + out.length);
        }
        byte[] image = augmented.get();
        byte[] stored = dataset.byteFeatures();
        for (int i = 0; i < count; i++) {
            int row = java.util.Objects.checkIndex(rows[from + i], dataset.rows());
            augmenter.augment(stored, row * width, image, 0, epoch, row);
            preprocessing.apply(image, 0, out, i * width);
        }
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

package dev.sqlnn.data;

import dev.sqlnn.data.Task;

import java.util.List;
import java.util.Objects;

/**
 * Training rows held compactly, row-major: either unsigned bytes ({@code rows × width} bytes, 784 B per
 * 28×28 image) or float32 numbers, plus one label per row. Features are converted to floats only
 * batch by batch, by {@link #scaledRows}, so a data set of images costs a quarter of its float size.
 *
 * <p>A classifier's labels are class indices into {@link #classes()}: integer classes as decimal text
 * in ascending numeric order, text classes in {@link String} natural order. A regression's labels are
 * float targets, and its {@link #labelKind()} is always {@link LabelKind#FLOAT}, even when the label
 * column held integers, because its predictions are numbers on a continuous scale.
 *
 * <p>The dataset keeps the arrays it is given (copying 7.8 MB of images to be safe would defeat the
 * point); callers must not modify them afterwards.
 */
public final class Dataset {

    /** The most classes a classifier may have: beyond it the output layer dwarfs any sensible network. */
    public static final int MAX_CLASSES = 65_536;

    private final FeatureKind kind;
    private final int width;
    private final int rows;
    private final byte[] byteFeatures;    // BYTES only
    private final float[] numericFeatures; // NUMERIC only
    private final List<String> featureNames;
    private final FeatureEncoding encoding; // plain columns only, else null
    private final LabelKind labelKind;
    private final List<String> classes;
    private final int[] classIndices; // classification only
    private final float[] targets;    // regression only

    private Dataset(FeatureKind kind, int width, byte[] byteFeatures, float[] numericFeatures,
                    List<String> featureNames, FeatureEncoding encoding, LabelKind labelKind, List<String> classes,
                    int[] classIndices, float[] targets) {
        int length = kind == FeatureKind.BYTES ? byteFeatures.length : numericFeatures.length;
        if (width < 1 || length == 0 || length % width != 0) {
            throw new IllegalArgumentException("features must be at least one row of width " + width
                    + " (width ≥ 1); got " + length + " values");
        }
        this.kind = kind;
        this.width = width;
        this.rows = length / width;
        this.byteFeatures = byteFeatures;
        this.numericFeatures = numericFeatures;
        this.featureNames = List.copyOf(featureNames);
        this.encoding = encoding;
        if (encoding != null) {
            if (kind != FeatureKind.NUMERIC || encoding.width() != width || !encoding.names().equals(this.featureNames)) {
                throw new IllegalArgumentException("the encoding of " + encoding.names() + " into " + encoding.width()
                        + " inputs does not fit features " + this.featureNames + " of width " + width);
            }
        } else if (this.featureNames.size() != 1 && this.featureNames.size() != width) {
            throw new IllegalArgumentException("feature names must be one column (an ARRAY or VARBINARY) or one per feature ("
                    + width + "); got " + this.featureNames.size());
        }
        this.labelKind = labelKind;
        this.classes = List.copyOf(classes);
        this.classIndices = classIndices;
        this.targets = targets;
        if (classIndices != null) checkClasses();
        else checkTargets();
    }

    /** A classifier's rows of unsigned byte features; {@code classIndices[r]} indexes {@code classes}. */
    public static Dataset classification(byte[] features, int width, List<String> featureNames,
                                         LabelKind labelKind, List<String> classes, int[] classIndices) {
        return new Dataset(FeatureKind.BYTES, width, features, null, featureNames, null, labelKind, classes,
                Objects.requireNonNull(classIndices), null);
    }

    /** A classifier's rows of numeric features; {@code classIndices[r]} indexes {@code classes}. */
    public static Dataset classification(float[] features, int width, List<String> featureNames,
                                         LabelKind labelKind, List<String> classes, int[] classIndices) {
        return new Dataset(FeatureKind.NUMERIC, width, null, features, featureNames, null, labelKind, classes,
                Objects.requireNonNull(classIndices), null);
    }

    /** A regression's rows of unsigned byte features, one target per row. */
    public static Dataset regression(byte[] features, int width, List<String> featureNames, float[] targets) {
        return new Dataset(FeatureKind.BYTES, width, features, null, featureNames, null, LabelKind.FLOAT, List.of(),
                null, Objects.requireNonNull(targets));
    }

    /** A regression's rows of numeric features, one target per row. */
    public static Dataset regression(float[] features, int width, List<String> featureNames, float[] targets) {
        return new Dataset(FeatureKind.NUMERIC, width, null, features, featureNames, null, LabelKind.FLOAT, List.of(),
                null, Objects.requireNonNull(targets));
    }

    /**
     * Rows of plain columns as {@code encoding} encoded them: a classifier's ({@code classIndices}) or
     * a regression's ({@code targets}); the feature names are the encoding's columns.
     */
    static Dataset encoded(float[] features, FeatureEncoding encoding, Task task, LabelKind labelKind,
                           List<String> classes, int[] classIndices, float[] targets) {
        boolean classification = task == Task.CLASSIFICATION;
        return new Dataset(FeatureKind.NUMERIC, encoding.width(), null, features, encoding.names(), encoding,
                classification ? labelKind : LabelKind.FLOAT, classification ? classes : List.of(),
                classification ? Objects.requireNonNull(classIndices) : null,
                classification ? null : Objects.requireNonNull(targets));
    }

    /** How plain feature columns became these features; null for one ARRAY or VARBINARY column. */
    public FeatureEncoding encoding() {
        return encoding;
    }

    private void checkClasses() {
        if (labelKind == LabelKind.FLOAT) {
            throw new IllegalArgumentException("a classifier needs INTEGER or TEXT labels; got FLOAT");
        }
        if (classes.size() < 2 || classes.size() > MAX_CLASSES) {
            throw new IllegalArgumentException("a classifier needs 2 to " + MAX_CLASSES + " classes; got " + classes.size());
        }
        if (classIndices.length != rows) {
            throw new IllegalArgumentException(rows + " rows need " + rows + " class indices; got " + classIndices.length);
        }
        for (int row = 0; row < rows; row++) {
            if (classIndices[row] < 0 || classIndices[row] >= classes.size()) {
                throw new IllegalArgumentException("row " + row + " has class index " + classIndices[row]
                        + "; expected 0 to " + (classes.size() - 1));
            }
        }
    }

    private void checkTargets() {
        if (targets.length != rows) {
            throw new IllegalArgumentException(rows + " rows need " + rows + " targets; got " + targets.length);
        }
        for (int row = 0; row < rows; row++) {
            if (!Float.isFinite(targets[row])) {
                throw new IllegalArgumentException("row " + row + " has target " + targets[row] + "; targets must be finite");
            }
        }
    }

    public FeatureKind kind() {
        return kind;
    }

    /** Features per row. */
    public int width() {
        return width;
    }

    /** The bytes this dataset's arrays take on the heap (features and labels). */
    public long heapBytes() {
        long features = kind == FeatureKind.BYTES ? byteFeatures.length : (long) numericFeatures.length * Float.BYTES;
        return features + (long) rows * Integer.BYTES; // a class index or a float target per row
    }

    public int rows() {
        return rows;
    }

    /** The query's feature columns: one name per plain column, or the one ARRAY or VARBINARY column's name. */
    public List<String> featureNames() {
        return featureNames;
    }

    public Task task() {
        return classIndices != null ? Task.CLASSIFICATION : Task.REGRESSION;
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    /** A classifier's classes, in output-unit order; empty for a regression. */
    public List<String> classes() {
        return classes;
    }

    /** The class of {@code row}, an index into {@link #classes()}. */
    public int classIndex(int row) {
        if (classIndices == null) throw new IllegalStateException("a regression dataset has targets, not classes");
        return classIndices[row];
    }

    /** The regression target of {@code row}. */
    public float target(int row) {
        if (targets == null) throw new IllegalStateException("a classification dataset has classes, not targets");
        return targets[row];
    }

    /**
     * Writes rows {@code rowIndices[from..from+count)}, scaled by {@code preprocessing}, into
     * {@code out[0..count×width)}, row-major: the network's input batch, converted straight from the
     * stored bytes or floats.
     */
    public void scaledRows(Preprocessing preprocessing, int[] rowIndices, int from, int count, float[] out) {
        if (preprocessing.kind() != kind || preprocessing.width() != width) {
            throw new IllegalArgumentException("preprocessing for " + preprocessing.width() + " " + preprocessing.kind()
                    + " features cannot scale this dataset's " + width + " " + kind + " features");
        }
        Objects.checkFromIndexSize(from, count, rowIndices.length);
        if ((long) count * width > out.length) {
            throw new IllegalArgumentException(count + " rows of " + width + " features need an output of "
                    + (long) count * width + " floats; got " + out.length);
        }
        for (int i = 0; i < count; i++) {
            int row = Objects.checkIndex(rowIndices[from + i], rows);
            if (kind == FeatureKind.BYTES) {
                preprocessing.apply(byteFeatures, row * width, out, i * width);
            } else {
                preprocessing.apply(numericFeatures, row * width, out, i * width);
            }
        }
    }

    /** The stored bytes, row-major, for fitting and tests; null unless {@link FeatureKind#BYTES}. */
    byte[] byteFeatures() {
        return byteFeatures;
    }

    /** The stored numbers, row-major, for fitting and tests; null unless {@link FeatureKind#NUMERIC}. */
    float[] numericFeatures() {
        return numericFeatures;
    }
}

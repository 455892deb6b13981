package dev.sqlnn.model;

import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.nn.Network;
import dev.sqlnn.nn.Predictor;

import java.util.List;

/**
 * A trained model, the object that predicts: it knows how raw features are scaled, runs its
 * network, and says what the outputs mean (class, label, value, probabilities), for one row
 * ({@link #predictLabel} and the like) or a batch ({@link #batchScorer}). Every front door scores through it, so
 * scaling, the predicted class and the de-standardised value are computed in one place. Created by
 * {@link ModelTrainer} or {@link ModelCodec}; immutable (the network's arrays are not touched after
 * training), and safe to share between threads.
 *
 * <p>For classifiers, output unit {@code i} is the class {@code classes.get(i)}; integer classes
 * are kept as their decimal text, in ascending numeric order. Regression models predict
 * {@code output * targetScale + targetShift} (targets are standardised for training).
 *
 * <p>{@code featureNames} are the training query's feature columns, as the database labelled them:
 * one name per plain column, or the single name of the ARRAY or VARBINARY column that held them
 * all. {@code ML_PREDICT} finds a model's feature columns in a query by these names. A model trained
 * on plain columns has an {@link FeatureEncoding} (numbers imputed, categories one-hot; see it), which
 * turns a row of those columns into the network's input before scaling; models of format version 1
 * have none, and their plain columns are one number each, never NULL.
 */
public final class Model {

    /** How a classifier's class is typed in SQL, and a regression's value. */
    public enum PredictionType { INTEGER, BIGINT, TEXT, DOUBLE }

    private final String name;
    private final long version;
    private final Task task;
    private final LabelKind labelKind;
    private final List<String> classes;
    private final List<String> featureNames;
    private final FeatureEncoding encoding;
    private final Preprocessing preprocessing;
    private final Network network;
    private final double targetShift;
    private final double targetScale;
    /** The classes as ints, for {@code PREDICT}; null unless every class is an INTEGER. */
    private final int[] integerClasses;
    private final Predictor predictor;

    Model(Task task, LabelKind labelKind, List<String> classes, List<String> featureNames,
          Preprocessing preprocessing, Network network, double targetShift, double targetScale) {
        this(task, labelKind, classes, featureNames, null, preprocessing, network, targetShift, targetScale);
    }

    /** @param encoding how plain feature columns become inputs; null for an ARRAY or VARBINARY column */
    Model(Task task, LabelKind labelKind, List<String> classes, List<String> featureNames, FeatureEncoding encoding,
          Preprocessing preprocessing, Network network, double targetShift, double targetScale) {
        this(null, 0, task, labelKind, classes, featureNames, encoding, preprocessing, network, targetShift,
                targetScale, null);
    }

    private Model(String name, long version, Task task, LabelKind labelKind, List<String> classes,
                  List<String> featureNames, FeatureEncoding encoding, Preprocessing preprocessing, Network network,
                  double targetShift, double targetScale, Predictor predictor) {
        this.name = name;
        this.version = version;
        this.task = task;
        this.labelKind = labelKind;
        this.classes = List.copyOf(classes);
        this.featureNames = List.copyOf(featureNames);
        this.encoding = encoding;
        this.preprocessing = preprocessing;
        this.network = network;
        this.targetShift = targetShift;
        this.targetScale = targetScale;
        checkShape();
        this.integerClasses = integerClasses(task, labelKind, this.classes);
        this.predictor = predictor != null ? predictor : new Predictor(network, Engine.kernels());
    }

    private void checkShape() {
        if (encoding != null) {
            if (!encoding.names().equals(featureNames) || encoding.width() != network.inputWidth()
                    || preprocessing.kind() != FeatureKind.NUMERIC) {
                throw new IllegalArgumentException("the encoding of " + encoding.names() + " into " + encoding.width()
                        + " inputs does not fit feature columns " + featureNames + " and a network of "
                        + network.inputWidth() + " inputs");
            }
        } else if (featureNames.size() != 1 && featureNames.size() != network.inputWidth()) {
            throw new IllegalArgumentException("feature names must be one column (an ARRAY or VARBINARY) or one per feature ("
                    + network.inputWidth() + "); got " + featureNames.size());
        }
        if (preprocessing.width() != network.inputWidth()) {
            throw new IllegalArgumentException("preprocessing covers " + preprocessing.width()
                    + " features but the network takes " + network.inputWidth());
        }
        if (task == Task.CLASSIFICATION) {
            if (labelKind == LabelKind.FLOAT) {
                throw new IllegalArgumentException("a classifier needs integer or text labels");
            }
            if (classes.size() != network.outputWidth()) {
                throw new IllegalArgumentException("a classifier with " + classes.size()
                        + " classes needs " + classes.size() + " outputs; the network has " + network.outputWidth());
            }
        } else if (!classes.isEmpty() || network.outputWidth() != 1) {
            throw new IllegalArgumentException("a regression model has one output and no classes; got "
                    + network.outputWidth() + " outputs and " + classes.size() + " classes");
        }
    }

    private static int[] integerClasses(Task task, LabelKind labelKind, List<String> classes) {
        if (task != Task.CLASSIFICATION || labelKind != LabelKind.INTEGER) return null;
        int[] ints = new int[classes.size()];
        for (int i = 0; i < ints.length; i++) {
            try {
                ints[i] = Integer.parseInt(classes.get(i));
            } catch (NumberFormatException e) {
                return null; // a BIGINT class beyond INTEGER: only PREDICT_LABEL can return it
            }
        }
        return ints;
    }

    /** This model as version {@code version} of {@code name}: what the store hands out. */
    public Model named(String name, long version) {
        return new Model(name, version, task, labelKind, classes, featureNames, encoding, preprocessing, network,
                targetShift, targetScale, predictor); // the same network: its predictor and buffers serve both
    }

    /** The model's name; null before it is saved. */
    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    /** {@code name (version v)}, for messages. */
    public String describe() {
        return name == null ? "being trained" : name + " (version " + version + ")";
    }

    public Task task() {
        return task;
    }

    public boolean isClassifier() {
        return task == Task.CLASSIFICATION;
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    public List<String> classes() {
        return classes;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * A name for each network input, in order, as attributions report them: a number column's name,
     * {@code column=category} for a one-hot input, {@code pixel_r_c} for image bytes (see {@link InputNames}).
     */
    public List<String> inputNames() {
        return InputNames.of(this);
    }

    /** How plain feature columns become the network's inputs; null for an ARRAY or VARBINARY column, or format version 1. */
    public FeatureEncoding encoding() {
        return encoding;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public FeatureKind featureKind() {
        return preprocessing.kind();
    }

    public int inputWidth() {
        return network.inputWidth();
    }

    public int outputWidth() {
        return network.outputWidth();
    }

    /** The layer widths joined by '-', e.g. {@code 784-1024-512-10}. */
    public String layers() {
        return network.describeLayers();
    }

    /** The network itself: for the codec, and for tests that recompute its outputs. Front doors use the methods below. */
    public Network network() {
        return network;
    }

    /** Regression outputs are {@code output * targetScale + targetShift} in the label's units. */
    public double targetShift() {
        return targetShift;
    }

    public double targetScale() {
        return targetScale;
    }

    // ---------------------------------------------------------------- the parameters, for inspection

    /** Layers of weights: one fewer than the widths. */
    public int layerCount() {
        return network.layerCount();
    }

    /** Width {@code l}: 0 is the features, {@link #layerCount()} the outputs. */
    public int width(int l) {
        return network.size(l);
    }

    /** The weight from unit {@code input} of width {@code layer} to unit {@code output} of width {@code layer + 1}. */
    public float weight(int layer, int input, int output) {
        return network.weights(layer)[input * network.size(layer + 1) + output];
    }

    public float bias(int layer, int output) {
        return network.biases(layer)[output];
    }

    // ---------------------------------------------------------------- what the outputs mean

    /** How {@code PREDICTION} is typed: INTEGER, BIGINT or TEXT like a classifier's labels, DOUBLE for a regression. */
    public PredictionType predictionType() {
        if (task == Task.REGRESSION) return PredictionType.DOUBLE;
        if (integerClasses != null) return PredictionType.INTEGER;
        return labelKind == LabelKind.INTEGER ? PredictionType.BIGINT : PredictionType.TEXT;
    }

    /** Class {@code index} typed as {@link #predictionType()} says: an Integer, a Long or a String. */
    public Object classValue(int index) {
        return switch (predictionType()) {
            case INTEGER -> integerClasses[index];
            case BIGINT -> Long.parseLong(classes.get(index));
            case TEXT -> classes.get(index);
            case DOUBLE -> throw new IllegalStateException("a regression's prediction is its value, not a class");
        };
    }

    /** The class predicted from the outputs {@code y[off..off+outputWidth)}: the most probable, the first among equals. */
    public int predictedClass(float[] y, int off) {
        return Predictor.argMax(y, off, outputWidth());
    }

    /** A regression's output in the label's units. */
    public double value(float output) {
        return output * targetScale + targetShift;
    }

    // ---------------------------------------------------------------- one row

    // Each checks the model's task before it reads the row, and scores the row in this thread's
    // buffers: a row allocates nothing but what it returns.

    /**
     * The class of a classifier whose classes are all INTEGERs ({@code PREDICT}).
     *
     * @throws IllegalArgumentException naming the model and the SQL function to use instead for another
     *                                  kind of model; naming the model and the problem for a row it cannot take
     */
    public int predictInteger(FeatureRow row) {
        requireClassifier();
        if (integerClasses == null) {
            throw new IllegalArgumentException("model " + describe() + " has text labels (or integers beyond "
                    + "INTEGER); use PREDICT_LABEL('" + name + "', features)");
        }
        return integerClasses[predictedClass(outputs(row), 0)];
    }

    /** The class as its label's text, for any classifier ({@code PREDICT_LABEL}). */
    public String predictLabel(FeatureRow row) {
        requireClassifier();
        return classes.get(predictedClass(outputs(row), 0));
    }

    /** A regression's prediction in the label's units ({@code PREDICT_VALUE}). */
    public double predictValue(FeatureRow row) {
        requireRegression();
        return value(outputs(row)[0]);
    }

    /** The class probabilities, in the order of {@link #classes()} ({@code PREDICT_PROBA}). */
    public float[] predictProbabilities(FeatureRow row) {
        requireClassifier();
        return outputs(row).clone();
    }

    /** The outputs for one row, in this thread's buffer, which the next row overwrites. */
    private float[] outputs(FeatureRow row) {
        scale(row, predictor.scratchInput());
        return predictor.forwardScratchInput();
    }

    private void scale(FeatureRow row, float[] out) {
        int width = preprocessing.width();
        byte[] bytes = row.bytes();
        if (encoding != null && bytes == null) {
            encode(row, out);
            preprocessing.apply(out, 0, out, 0);
            return;
        }
        if (bytes != null) {
            if (featureKind() != FeatureKind.BYTES) {
                throw new IllegalArgumentException("model " + describe() + " was trained on numeric features; pass "
                        + width + " numbers as an ARRAY, e.g. ARRAY[x1, x2, ...], not " + bytes.length + " bytes");
            }
            checkWidth(width, bytes.length, "bytes");
            preprocessing.apply(bytes, 0, out, 0);
            return;
        }
        checkWidth(width, row.size(), "array elements");
        for (int i = 0; i < width; i++) {
            if (row.isNull(i)) {
                throw new IllegalArgumentException("feature " + (i + 1) + " of " + width
                        + " is NULL; model " + describe() + " needs a number in every position");
            }
            float x = row.number(i);
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("feature " + (i + 1) + " is " + x
                        + "; model " + describe() + " needs finite numbers");
            }
            out[i] = preprocessing.apply(i, x);
        }
    }

    /** Encodes a row of the training columns' values, in their order, into {@code out}. */
    private void encode(FeatureRow row, float[] out) {
        int columns = featureNames.size();
        if (row.size() != columns) {
            throw new IllegalArgumentException("model " + describe() + " expects " + columns + " features, got "
                    + row.size() + ": the values of its feature columns " + String.join(", ", featureNames)
                    + ", in this order");
        }
        for (int i = 0; i < columns; i++) {
            FeatureEncoding.Column column = encoding.column(i);
            boolean encoded;
            if (column.kind() == FeatureEncoding.Kind.CATEGORY) {
                encoded = encoding.encodeCategory(i, row.isNull(i) ? null : row.text(i), out, 0);
            } else {
                float x = row.isNull(i) ? Float.NaN : number(row, i, column);
                encoded = encoding.encodeNumber(i, x, out, 0);
            }
            if (!encoded) {
                throw new IllegalArgumentException("feature " + (i + 1) + " of " + columns + " is NULL (column "
                        + column.name() + "); model " + describe() + " was trained with impute error and needs a value");
            }
        }
    }

    private float number(FeatureRow row, int i, FeatureEncoding.Column column) {
        float x;
        try {
            x = row.number(i);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("feature " + column.name() + " (" + (i + 1) + " of " + featureNames.size()
                    + ") of model " + describe() + " is a number; got " + row.text(i), e);
        }
        if (!Float.isFinite(x)) {
            throw new IllegalArgumentException("feature " + (i + 1) + " is " + x + " (column " + column.name() + "); model "
                    + describe() + " needs finite numbers");
        }
        return x;
    }

    private void checkWidth(int expected, int actual, String what) {
        if (expected != actual) {
            throw new IllegalArgumentException("model " + describe() + " expects " + expected
                    + " features, got " + actual + " " + what);
        }
    }

    // ---------------------------------------------------------------- many rows

    /** A scorer of batches of up to {@code capacity} scaled rows, on at most {@code threads} of the engine's threads. */
    public BatchScorer batchScorer(int capacity, int threads) {
        return new BatchScorer(this, predictor, capacity, threads);
    }

    /** Reports an operation that needs a classifier, naming the SQL function to use instead. */
    private void requireClassifier() {
        if (task != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("model " + describe() + " is a regression model; use PREDICT_VALUE('"
                    + name + "', features)");
        }
    }

    /** Reports an operation that needs a regression, naming the SQL functions to use instead. */
    private void requireRegression() {
        if (task != Task.REGRESSION) {
            throw new IllegalArgumentException("model " + describe() + " is a classifier; use "
                    + (integerClasses != null ? "PREDICT" : "PREDICT_LABEL") + "('" + name
                    + "', features) for its class or PREDICT_PROBA for its probabilities");
        }
    }
}

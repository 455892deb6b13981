package dev.sqlnn.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlnn.data.Dataset;
import dev.sqlnn.data.DatasetExamples;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.HeapLimitException;
import dev.sqlnn.data.ImageAugmenter;
import dev.sqlnn.data.JdbcDatasetReader;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Scaler;
import dev.sqlnn.data.Task;
import dev.sqlnn.eval.ClassificationMetrics;
import dev.sqlnn.eval.RegressionMetrics;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.Loss;
import dev.sqlnn.nn.Network;
import dev.sqlnn.nn.Trainer;
import dev.sqlnn.nn.Regularization;
import dev.sqlnn.nn.TrainerConfig;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.nn.TrainingResult;
import dev.sqlnn.options.OptionsException;
import dev.sqlnn.options.TrainingOptions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Makes a {@link Model} from the rows of a query: reads them compactly, fits the preprocessing,
 * trains the network, and measures it on the held-out rows. Writes nothing; the caller stores the
 * result (see {@link ModelRegistry}).
 */
public final class ModelTrainer {

    /** Refuse trainings whose rows, parameters and optimizer state would take more than this share of the heap. */
    private static final double MAX_HEAP_SHARE = 0.8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelTrainer() {
    }

    public static TrainedModel train(ResultSet rows, TrainingOptions options, TrainingListener listener)
            throws SQLException {
        return train(rows, options, listener, null);
    }

    /**
     * Trains a new version; with {@code start} (a warm start, see {@link StartingModel}) one that
     * continues it: the same columns, classes and network shape are required, its preprocessing is
     * kept, and the epochs {@code listener} and the model's history see are numbered after its own.
     */
    public static TrainedModel train(ResultSet rows, TrainingOptions options, TrainingListener listener,
                                     StartingModel start) throws SQLException {
        long startNanos = System.nanoTime();
        Dataset dataset = read(rows, options, start);
        return fit(dataset, options, TrainingProgress.with(listener), start, null, options.threads(), startNanos);
    }

    /**
     * Reads the rows of a training compactly, as {@code options} (label, task, NULLs and categories)
     * say; with {@code start}, by its encoding, and only when they are the columns it was trained on.
     */
    static Dataset read(ResultSet rows, TrainingOptions options, StartingModel start) throws SQLException {
        Model first = start == null ? null : start.model();
        Dataset dataset = JdbcDatasetReader.read(rows, options.label(), options.task(), options.encoding(),
                first == null ? null : first.encoding());
        if (first != null) WarmStartRules.requireSameData(first, dataset);
        return dataset;
    }

    /**
     * Fits the preprocessing and trains a network on rows read already: on the seeded split of
     * {@code validation_fraction}, or on {@code split} ({training rows, held-out rows}: a fold of a
     * cross-validation) when it is not null, on {@code threads} threads. {@code dataset} is not changed,
     * so several fits may share it.
     */
    static TrainedModel fit(Dataset dataset, TrainingOptions options, TrainingListener listener, StartingModel start,
                            int[][] split, int threads, long startNanos) {
        Model first = start == null ? null : start.model();
        Preprocessing preprocessing = first != null ? first.preprocessing() : Scaler.fit(dataset, options.scale());
        DatasetExamples examples = first != null
                ? new DatasetExamples(dataset, preprocessing, first.targetShift(), first.targetScale())
                : DatasetExamples.of(dataset, preprocessing);
        ImageAugmenter augmenter = augmenter(options, dataset);
        DatasetExamples training = augmenter == null ? examples : examples.withAugmenter(augmenter);
        boolean classification = dataset.task() == Task.CLASSIFICATION;
        int outputs = classification ? dataset.classes().size() : 1;

        float[] classWeights = options.classWeightsFor(dataset.task(), dataset.classes(), rowsPerClass(dataset));
        TrainerConfig config = withThreads(config(options, classification, dataset.rows(), classWeights,
                dataset.encoding() != null), threads);
        int[] sizes = config.layerSizes(dataset.width(), outputs);
        if (first != null) WarmStartRules.requireSameNetwork(first, sizes, options);
        checkMemory(sizes, config, dataset);
        int epochsBefore = start == null ? 0 : start.epochs();
        Trainer trainer = new Trainer(config, Engine.kernels());
        Network firstNetwork = first == null ? null : first.network();
        TrainingListener numbered = WarmStartRules.numbered(listener, epochsBefore);
        TrainingResult result = split == null ? trainer.train(training, outputs, firstNetwork, numbered)
                : trainer.train(training, outputs, firstNetwork, split, numbered);

        Model model = new Model(dataset.task(), dataset.labelKind(), dataset.classes(), dataset.featureNames(),
                dataset.encoding(), preprocessing, result.network(), examples.targetShift(), examples.targetScale());
        boolean held = result.validationRows().length > 0;
        int[] evaluated = held ? result.validationRows() : result.trainingRows();
        float[] scores = BatchScorer.score(model, examples, evaluated, config.threads());
        Actual actual = Actual.of(model, examples, evaluated);
        List<EpochStats> epochs = result.epochs().stream().map(e -> e.after(epochsBefore)).toList();
        return trained(model, options, actual, scores, held, epochs, result.bestEpoch(),
                result.trainingRows().length, startNanos, start);
    }

    /** The weights and biases of a network of these layer sizes. */
    static long parameters(int[] sizes) {
        long parameters = 0;
        for (int l = 0; l + 1 < sizes.length; l++) parameters += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        return parameters;
    }

    static TrainerConfig withThreads(TrainerConfig c, int threads) {
        if (c.threads() == threads) return c;
        return new TrainerConfig(c.hidden(), c.activation(), c.loss(), c.classification(), c.optimizer(),
                c.learningRate(), c.momentum(), c.beta1(), c.beta2(), c.epsilon(), c.batchSize(), c.epochs(),
                c.validationFraction(), c.patience(), c.l2(), c.seed(), threads, c.classWeights(), c.init(),
                c.regularization(), c.schedule());
    }

    /** The true labels of the rows a model is measured on: class indices, or targets in the label's units. */
    record Actual(int[] classes, double[] targets) {

        static Actual of(Model model, DatasetExamples examples, int[] rows) {
            if (model.task() == Task.CLASSIFICATION) {
                int[] classes = new int[rows.length];
                for (int r = 0; r < rows.length; r++) classes[r] = examples.classIndex(rows[r]);
                return new Actual(classes, null);
            }
            double[] targets = new double[rows.length];
            for (int r = 0; r < rows.length; r++) targets[r] = examples.dataset().target(rows[r]);
            return new Actual(null, targets);
        }

        int rows() {
            return classes != null ? classes.length : targets.length;
        }
    }

    /**
     * A training's outcome: the model with its figures on the held-out rows (or, when {@code held} is
     * false, the training rows), measured from the model's {@code outputs} on them; {@code start} is the version a warm start continued, or null.
     */
    static TrainedModel trained(Model model, TrainingOptions options, Actual actual, float[] outputs, boolean held,
                                java.util.List<dev.sqlnn.nn.EpochStats> epochs, int bestEpoch, long trainRows,
                                long startNanos, StartingModel start) {
        ObjectNode metrics = JSON.createObjectNode();
        double score = measure(model, actual, outputs, metrics);
        metrics.put("evaluated_on", held ? "validation" : "training");
        metrics.put("evaluated_rows", actual.rows());
        var last = epochs.get(bestEpoch - 1);
        metrics.put("best_epoch", last.epoch()); // a warm start's epochs are numbered after its first version's
        metrics.put("epochs_run", epochs.size());
        if (start != null) metrics.put("warm_start_from", start.model().version());
        metrics.put("train_loss", last.trainLoss());
        if (!Double.isNaN(last.validationLoss())) metrics.put("validation_loss", last.validationLoss());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new TrainedModel(model, options, metrics.toString(), score, epochs, trainRows, seconds);
    }

    /**
     * The augmenter that {@code augment} asks for, or null. Checked here, once the features are known:
     * augmentation moves pixels, so it needs byte features (one VARBINARY column) and an image shape,
     * given or square, whose pixels are the features' width. An {@code image_shape} is checked
     * against the width even without {@code augment}, since a mismatch is surely a mistake.
     */
    static ImageAugmenter augmenter(TrainingOptions options, Dataset dataset) {
        TrainingOptions.ImageShape shape = options.imageShape();
        int width = dataset.width();
        if (shape != null && shape.pixels() != width) {
            throw new OptionsException("option 'image_shape' [" + shape.rows() + ", " + shape.columns() + "] has "
                    + shape.pixels() + " pixels, but the features have " + width + " per row; give the images'"
                    + " [rows, columns]");
        }
        TrainingOptions.Augment augment = options.augment();
        if (augment == null) return null;
        if (dataset.kind() != FeatureKind.BYTES) {
            throw new OptionsException("option 'augment' shifts and rotates images, which must be one VARBINARY column"
                    + " of pixels; these features are numbers (" + width + " per row): remove 'augment'"
                    + " or train on the images' bytes");
        }
        if (shape == null) {
            int side = (int) Math.round(Math.sqrt(width));
            if ((long) side * side != width) {
                throw new OptionsException("option 'augment' needs 'image_shape' [rows, columns]: the images have "
                        + width + " pixels, which is not a square");
            }
            shape = new TrainingOptions.ImageShape(side, side);
        }
        return new ImageAugmenter(shape.rows(), shape.columns(), augment.shift(), augment.rotateDegrees(),
                options.seed());
    }

    /**
     * How many rows each class has, for {@code class_weight} {@code balanced}: every row of the query,
     * held-out ones too, as scikit-learn counts the labels given to {@code fit} before it holds any out
     * (the split is a random tenth or so, and the same weights then apply to both sides). Null for a regression.
     */
    static int[] rowsPerClass(Dataset dataset) {
        if (dataset.task() != Task.CLASSIFICATION) return null;
        int[] counts = new int[dataset.classes().size()];
        for (int r = 0; r < dataset.rows(); r++) counts[dataset.classIndex(r)]++;
        return counts;
    }

    /**
     * The trainer's settings for {@code rows} rows: the options' epochs and patience resolved (see
     * {@link TrainingOptions#maxEpochs}), the class weights (null: equal), which are a training
     * matter only: the model does not keep them, and the initialisation for the features' form
     * ({@link TrainingOptions#initFor}).
     */
    static TrainerConfig config(TrainingOptions o, boolean classification, long rows, float[] classWeights,
                                boolean plainColumns) {
        Loss loss = o.lossFor(classification ? Task.CLASSIFICATION : Task.REGRESSION);
        int[] hidden = o.hidden().stream().mapToInt(Integer::intValue).toArray();
        return new TrainerConfig(hidden, o.activation(), loss, classification, o.optimizer(), o.learningRate(),
                o.momentum(), o.beta1(), o.beta2(), o.epsilon(), o.batchSize(), o.maxEpochs(rows),
                o.validationFraction(), o.patience(), o.l2(), o.seed(), o.threads(), classWeights,
                o.initFor(plainColumns), regularization(o), o.schedule());
    }

    /** Dropout, L1 and clipping as the trainer takes them. */
    static Regularization regularization(TrainingOptions o) {
        float[] dropout = new float[o.dropout() == null ? 0 : o.dropout().size()];
        for (int l = 0; l < dropout.length; l++) dropout[l] = o.dropout().get(l).floatValue();
        return new Regularization(dropout, o.l1(), o.gradientClip() == null ? 0 : o.gradientClip());
    }

    /**
     * Refuses up front a network that would not fit next to its training rows: parameters, gradients
     * and optimizer state (about five floats per parameter, plus a copy for early stopping) and a batch's activations, so that a
     * too-large request is a clear error rather than an OutOfMemoryError in the database's JVM.
     */
    private static void checkMemory(int[] sizes, TrainerConfig config, Dataset dataset) {
        long parameters = parameters(sizes);
        long floatsPerParameter = 5 + (config.patience() > 0 ? 1 : 0);
        long units = 0;
        for (int size : sizes) units += size;
        // Dropout keeps a mask and the undropped activations of each hidden unit, GELU its pre-activations.
        long hiddenUnits = units - sizes[0] - sizes[sizes.length - 1];
        long extraPerHiddenUnit = (config.regularization().dropsUnits() ? 2 : 0)
                + (config.activation() == dev.sqlnn.nn.Activation.GELU ? 1 : 0);
        // A batch's activations, their gradients and pre-activations: about three floats per unit and row
        // (a batch is never larger than the rows).
        long batch = Math.min(config.batchSize(), dataset.rows());
        long bytes = (parameters * floatsPerParameter + 3L * batch * units + extraPerHiddenUnit * batch * hiddenUnits)
                * Float.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes + dataset.heapBytes() > heap * MAX_HEAP_SHARE) {
            throw new HeapLimitException(String.format(
                    "a network of %s has %,d parameters and needs about %,d MB to train, next to %,d MB of training"
                            + " rows; this JVM's heap is %,d MB, of which sqlnn takes at most %d%%."
                            + " Use smaller hidden layers, fewer rows, or start the JVM with a larger -Xmx",
                    joined(sizes), parameters, bytes >> 20, dataset.heapBytes() >> 20, heap >> 20,
                    Math.round(MAX_HEAP_SHARE * 100)));
        }
    }

    private static String joined(int[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (int s : sizes) sb.append(sb.length() == 0 ? "" : "-").append(s);
        return sb.toString();
    }

    /** Fills {@code metrics} with the model's figures from its outputs on some rows and returns its score. */
    private static double measure(Model model, Actual actual, float[] outputs, ObjectNode metrics) {
        int rows = actual.rows();
        if (model.task() == Task.CLASSIFICATION) {
            int k = model.classes().size();
            int[] predicted = new int[rows];
            for (int r = 0; r < rows; r++) predicted[r] = model.predictedClass(outputs, r * k);
            ClassificationMetrics m = new ClassificationMetrics(actual.classes(), predicted, outputs, k);
            metrics.put("accuracy", m.accuracy());
            metrics.put("precision_macro", m.macroPrecision());
            metrics.put("recall_macro", m.macroRecall());
            metrics.put("f1_macro", m.macroF1());
            metrics.put("log_loss", m.logLoss());
            double auc = m.rocAuc();
            if (!Double.isNaN(auc)) metrics.put("roc_auc", auc);
            return m.accuracy();
        }
        double[] predicted = new double[rows];
        for (int r = 0; r < rows; r++) predicted[r] = model.value(outputs[r]);
        RegressionMetrics m = new RegressionMetrics(actual.targets(), predicted);
        metrics.put("mse", m.mse());
        metrics.put("mae", m.mae());
        metrics.put("r2", m.r2());
        return m.r2();
    }
}

package dev.sqlnn.options;

import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.LearningRateSchedule;
import dev.sqlnn.nn.Loss;
import dev.sqlnn.nn.OptimizerKind;
import dev.sqlnn.nn.WeightInit;

import java.util.List;

import static dev.sqlnn.options.OptionKey.*;

/**
 * The options of {@code ML_TRAIN}, resolved: every key has a value, either given or the default.
 * Built by {@link #parse(String)} from the options JSON, or directly; every value is checked here,
 * once, so that an instance is always usable and the trainer need not check again.
 *
 * <p>{@code label}, {@code task}, {@code init} (see {@link #initFor}), {@code loss}, {@code epochs}, {@code classWeight}, {@code augment},
 * {@code imageShape} and {@code warmStart} may be null: the last column, inferred from the label, chosen by task, stopped
 * early within a budget ({@link #AUTO_MAX_EPOCHS}), equal weights, no augmentation, square images, a new network. A
 * {@code loss} given without a {@code task} is checked against the inferred task by the trainer.
 *
 * <p>{@code dropout}, {@code gradientClip} and {@code lrSchedule} may be null too: none, none, a constant
 * rate. {@code lrSchedule} never holds the warm-up, which is {@code warmupEpochs}; {@link #schedule()}
 * puts them together.
 *
 * <p>The limits below are refused up front because they bound memory and time before any row is
 * read; the total number of weights also depends on the input width, which only the trainer knows.
 */
public record TrainingOptions(String label, Task task, List<Integer> hidden, Activation activation, WeightInit init,
                              Loss loss,
                              OptimizerKind optimizer, double learningRate, double momentum, double beta1,
                              double beta2, double epsilon, int batchSize, Integer epochs, double validationFraction,
                              int earlyStopping, double l2, List<Double> dropout, double l1, Double gradientClip,
                              LearningRateSchedule lrSchedule, int warmupEpochs, Scaling scale, EncodingOptions encoding,
                              ClassWeight classWeight, Augment augment, ImageShape imageShape,
                              WarmStart warmStart, long seed, int threads, DeployPolicy deploy)
        implements java.io.Serializable {

    public static final int MAX_HIDDEN_WIDTH = 65536;
    public static final int MAX_HIDDEN_LAYERS = 32;
    public static final int MAX_EPOCHS = 100_000;
    public static final int MAX_BATCH_SIZE = 1 << 20;
    /**
     * Without {@code epochs}, training stops when the held-out loss has not improved for
     * {@link #AUTO_PATIENCE} epochs (or {@code early_stopping}, if given), and runs at most this many
     * epochs and at most {@link #AUTO_MAX_ROW_PASSES} rows in all, but at least {@link #AUTO_MIN_EPOCHS}.
     */
    public static final int AUTO_MAX_EPOCHS = 200;
    public static final long AUTO_MAX_ROW_PASSES = 10_000_000;
    public static final int AUTO_MIN_EPOCHS = 10;
    public static final int AUTO_PATIENCE = 10;
    public static final int MAX_THREADS = 1024;
    public static final int MAX_IMAGE_SIDE = 65536;
    /** Defaults of each schedule's parameters (see {@link LearningRateSchedule}). */
    public static final int DEFAULT_STEP_EVERY = 10;
    public static final double DEFAULT_STEP_FACTOR = 0.5;
    public static final double DEFAULT_EXPONENTIAL_FACTOR = 0.95;
    public static final int DEFAULT_PLATEAU_PATIENCE = 3;
    public static final double DEFAULT_PLATEAU_FACTOR = 0.5;
    /** Rotation is by a random angle in [-rotate, rotate]: beyond half a turn adds nothing. */
    public static final double MAX_ROTATE_DEGREES = 180;

    /** Image augmentation: random shifts of up to {@code shift} pixels and rotations of up to {@code rotateDegrees}. */
    public record Augment(int shift, double rotateDegrees) implements java.io.Serializable {
        public Augment {
            if (shift < 0) {
                throw OptionKey.invalid("augment.shift", "a non-negative integer (pixels)", shift);
            }
            if (!(rotateDegrees >= 0 && rotateDegrees <= MAX_ROTATE_DEGREES)) {
                throw OptionKey.invalid("augment.rotate", "a number of degrees from 0 to 180", rotateDegrees);
            }
        }
    }

    /**
     * A training that continues from a saved version of the same model ({@code warm_start} or
     * {@code init_version}): its network's parameters are the first ones, and its preprocessing, text
     * columns' categories and classes are kept. {@code version} null is the deployed version.
     */
    public record WarmStart(Long version) implements java.io.Serializable {
        public WarmStart {
            if (version != null && version < 1) throw INIT_VERSION.invalid(version);
        }
    }

    /** The shape that byte features are read as when they are augmented. */
    public record ImageShape(int rows, int columns) implements java.io.Serializable {
        public ImageShape {
            if (rows < 1 || rows > MAX_IMAGE_SIDE || columns < 1 || columns > MAX_IMAGE_SIDE) {
                throw IMAGE_SHAPE.invalid(List.of(rows, columns));
            }
        }

        /** A long, since two legal sides may overflow an int. */
        public long pixels() {
            return (long) rows * columns;
        }
    }

    public TrainingOptions {
        if (label != null && label.isBlank()) throw LABEL.invalid(label);
        if (hidden == null) throw HIDDEN.invalid(null);
        hidden = List.copyOf(hidden);
        if (hidden.size() > MAX_HIDDEN_LAYERS) throw HIDDEN.invalidDescribed(hidden.size() + " widths");
        for (int width : hidden) {
            if (width < 1 || width > MAX_HIDDEN_WIDTH) throw HIDDEN.invalid(hidden);
        }
        if (!Activation.HIDDEN.contains(activation)) {
            throw ACTIVATION.invalid(activation == null ? null : activation.optionName());
        }
        if (optimizer == null) throw OPTIMIZER.invalid(null);
        if (!(learningRate > 0 && Double.isFinite(learningRate))) throw LEARNING_RATE.invalid(learningRate);
        requireFraction(momentum, MOMENTUM);
        requireFraction(beta1, BETA1);
        requireFraction(beta2, BETA2);
        if (!(epsilon > 0 && Double.isFinite(epsilon))) throw EPSILON.invalid(epsilon);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) throw BATCH_SIZE.invalid(batchSize);
        if (epochs != null && (epochs < 1 || epochs > MAX_EPOCHS)) throw EPOCHS.invalid(epochs);
        requireFraction(validationFraction, VALIDATION_FRACTION);
        if (earlyStopping < 0) throw EARLY_STOPPING.invalid(earlyStopping);
        if (!(l2 >= 0 && Double.isFinite(l2))) throw L2.invalid(l2);
        if (!(l1 >= 0 && Double.isFinite(l1))) throw L1.invalid(l1);
        dropout = checkDropout(dropout, hidden);
        if (gradientClip != null && !(gradientClip > 0 && Double.isFinite(gradientClip))) throw GRADIENT_CLIP.invalid(gradientClip);
        checkSchedule(lrSchedule, learningRate, epochs, validationFraction);
        if (warmupEpochs < 0 || warmupEpochs > MAX_EPOCHS) throw WARMUP_EPOCHS.invalid(warmupEpochs);
        if (epochs != null && warmupEpochs >= epochs) {
            throw new OptionsException("option 'warmup_epochs' must be less than epochs, so that some epochs run at"
                    + " the full rate; got warmup_epochs " + warmupEpochs + " with epochs " + epochs);
        }
        // BYTES is what AUTO becomes inside a model, never something a user asks for.
        if (scale == null || scale == Scaling.BYTES) throw SCALE.invalid(scale == null ? null : "bytes");
        if (encoding == null) throw IMPUTE.invalid(null);
        if (threads < 1 || threads > MAX_THREADS) throw THREADS.invalid(threads);
        if (deploy == null) throw DEPLOY.invalid(null);
        requireConsistent(task, loss, classWeight, validationFraction, earlyStopping);
    }

    private static List<Double> checkDropout(List<Double> dropout, List<Integer> hidden) {
        if (dropout == null) return null;
        dropout = List.copyOf(dropout);
        for (Double p : dropout) {
            if (!(p >= 0 && p < 1)) throw DROPOUT.invalid(dropout);
        }
        if (dropout.size() != hidden.size()) {
            throw new OptionsException("option 'dropout' must have one rate per hidden layer: hidden " + hidden
                    + " has " + hidden.size() + " layer" + (hidden.size() == 1 ? "" : "s") + "; got " + dropout.size()
                    + " rate" + (dropout.size() == 1 ? "" : "s") + " " + OptionKey.show(dropout));
        }
        return dropout;
    }

    /** A schedule's parameters, and what it needs from the other options. */
    private static void checkSchedule(LearningRateSchedule s, double learningRate, Integer epochs,
                                      double validationFraction) {
        if (s == null) return;
        if (s.warmupEpochs() != 0) throw new IllegalArgumentException("the warm-up is warmup_epochs, not lr_schedule's");
        switch (s.kind()) {
            case CONSTANT -> throw new IllegalArgumentException("a constant rate is a null lr_schedule");
            case STEP -> {
                if (s.every() < 1 || s.every() > MAX_EPOCHS) {
                    throw OptionKey.invalid("lr_schedule.every", "a positive integer (epochs)", s.every());
                }
                requireFactor(s.factor());
            }
            case EXPONENTIAL -> requireFactor(s.factor());
            case COSINE -> {
                requireMinimum(s.minimum(), learningRate);
                if (epochs == null) {
                    throw new OptionsException("option 'lr_schedule' cosine anneals over a known number of epochs: give"
                            + " 'epochs' too; got epochs null (stop early, however many it takes)");
                }
            }
            case REDUCE_ON_PLATEAU -> {
                if (s.patience() < 1 || s.patience() > MAX_EPOCHS) {
                    throw OptionKey.invalid("lr_schedule.patience", "a positive integer (epochs)", s.patience());
                }
                requireFactor(s.factor());
                requireMinimum(s.minimum(), learningRate);
                if (validationFraction == 0) {
                    throw new OptionsException("option 'lr_schedule' reduce_on_plateau watches the held-out loss; got"
                            + " validation_fraction 0 (set validation_fraction > 0, or choose another schedule)");
                }
            }
        }
    }

    private static void requireFactor(double factor) {
        if (!(factor > 0 && factor < 1)) throw OptionKey.invalid("lr_schedule.factor", "a number in (0, 1)", factor);
    }

    private static void requireMinimum(double minimum, double learningRate) {
        if (!(minimum >= 0 && minimum < learningRate)) {
            throw OptionKey.invalid("lr_schedule.min", "a number from 0 to below learning_rate (" + learningRate + ")",
                    minimum);
        }
    }

    /** The learning-rate schedule with its warm-up: a constant rate when neither is asked for. */
    public LearningRateSchedule schedule() {
        return (lrSchedule == null ? LearningRateSchedule.CONSTANT : lrSchedule).withWarmup(warmupEpochs);
    }

    private static void requireFraction(double value, OptionKey key) {
        if (!(value >= 0 && value < 1)) throw key.invalid(value);
    }

    /** Combinations that each look fine alone but cannot train. */
    private static void requireConsistent(Task task, Loss loss, ClassWeight classWeight, double validationFraction,
                                          int earlyStopping) {
        if (task != null) lossFor(task, task, loss);
        requireClasses(task, task, classWeight);
        if (earlyStopping > 0 && validationFraction == 0) {
            throw new OptionsException("option 'early_stopping' needs validation rows to watch; got early_stopping "
                    + earlyStopping + " with validation_fraction 0 (set validation_fraction > 0, or early_stopping 0)");
        }
    }

    /**
     * The loss of a training of {@code task}: the option's, or the task's default. This is where
     * cross_entropy is refused for a regression, whether the task was asked for or came from the label.
     */
    public Loss lossFor(Task task) {
        return lossFor(task, this.task, loss);
    }

    private static Loss lossFor(Task task, Task asked, Loss loss) {
        if (loss == null) return task == Task.CLASSIFICATION ? Loss.CROSS_ENTROPY : Loss.MSE;
        if (task == Task.REGRESSION && loss == Loss.CROSS_ENTROPY) {
            throw new OptionsException(asked != null
                    ? "option 'loss' cross_entropy needs task classification; got task regression"
                    + " (use loss mse, or leave loss out)"
                    : "option 'loss' cross_entropy needs class labels, but the label is a "
                    + "floating-point number (a regression); use \"loss\":\"mse\" or an integer or text label");
        }
        return loss;
    }

    /**
     * The weight of each class of a training of {@code task}, in the order of {@code classes}, or null
     * for equal weights; {@code rowsPerClass} counts the rows of each class, for {@code balanced}. This
     * is where class weights are refused for a regression, whether the task was asked for or came from
     * the label.
     *
     * @throws OptionsException for a regression, or a class the labels do not have
     */
    public float[] classWeightsFor(Task task, List<String> classes, int[] rowsPerClass) {
        if (classWeight == null) return null;
        requireClasses(task, this.task, classWeight);
        return classWeight.resolve(classes, rowsPerClass);
    }

    private static void requireClasses(Task task, Task asked, ClassWeight weight) {
        if (task != Task.REGRESSION || weight == null) return;
        throw new OptionsException(asked != null
                ? "option 'class_weight' needs classes to weigh, so task classification; got task regression"
                + " (leave class_weight out)"
                : "option 'class_weight' needs classes to weigh, but the label is a floating-point number"
                + " (a regression); leave class_weight out, or use an integer or text label");
    }

    /** Every option at its default; {@code threads} is this machine's processor count (capped at the limit). */
    public static TrainingOptions defaults() {
        return new TrainingOptions(null, null, List.of(100), Activation.RELU, null, null, OptimizerKind.ADAM,
                0.001, 0.9, 0.9, 0.999, 1e-8, 64, null, 0.1, 0, 0, null, 0, null, null, 0, Scaling.AUTO,
                EncodingOptions.defaults(), null, null, null, null, 42, defaultThreads(),
                DeployPolicy.BEST);
    }

    /**
     * The epochs a training of {@code trainingRows} rows runs at most: {@code epochs} if given, else
     * the budget described at {@link #AUTO_MAX_EPOCHS}.
     */
    public int maxEpochs(long trainingRows) {
        if (epochs != null) return epochs;
        long byRows = AUTO_MAX_ROW_PASSES / Math.max(1, trainingRows);
        return (int) Math.max(AUTO_MIN_EPOCHS, Math.min(AUTO_MAX_EPOCHS, byRows));
    }

    /**
     * The patience of early stopping: {@code early_stopping} if given; without {@code epochs} and with
     * held-out rows, {@link #AUTO_PATIENCE}; else 0 (off).
     */
    public int patience() {
        if (earlyStopping > 0 || epochs != null || validationFraction == 0) return earlyStopping;
        return AUTO_PATIENCE;
    }

    /**
     * The weight initialisation: {@code init} if given; else Glorot for plain columns, as scikit-learn
     * does (a handful of standardised columns learn better from its smaller first weights), and He for
     * one ARRAY or VARBINARY column (images: many inputs, where He suits ReLU).
     */
    public WeightInit initFor(boolean plainColumns) {
        if (init != null) return init;
        return plainColumns ? WeightInit.GLOROT : WeightInit.HE;
    }

    static int defaultThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    /**
     * Parses the options JSON of {@code ML_TRAIN}. Null, empty or blank text gives {@link #defaults()}.
     *
     * @throws OptionsException naming the key, what was expected and what was given
     */
    public static TrainingOptions parse(String json) {
        return OptionsJson.read(json);
    }

    /** Every option, resolved, as canonical JSON (keys in a fixed order, nulls included); {@code parse} reads it back equal. */
    public String toJson() {
        return OptionsJson.write(this);
    }
}

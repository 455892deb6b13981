package dev.sqlnn.model;

import dev.sqlnn.data.DataException;
import dev.sqlnn.data.DatasetPart;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.EncodingOptions;
import dev.sqlnn.data.Imputation;
import dev.sqlnn.options.OptionsException;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Scaler;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.Network;
import dev.sqlnn.nn.Replica;
import dev.sqlnn.nn.ReplicaState;
import dev.sqlnn.nn.Trainer;
import dev.sqlnn.nn.TrainerConfig;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.options.TrainingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains one model on a table whose rows are held in several places ({@link Partitions}), data-parallel
 * and synchronous, with the options, rules and results of {@code ML_TRAIN}: the classes and the scaling
 * are fitted across all parts, each part holds out its own seeded share for validation, and the driver
 * combines the parts' work in part order (so a given partitioning gives the same model every time).
 *
 * <p>Two ways to combine, {@link Sync}: every part steps on its own rows from the same parameters and the
 * driver averages parameters and optimizer state every {@code every} batches (few exchanges: the
 * default); or, per step, every part computes the gradient of its share of one batch and the driver sums
 * them and takes the step (exactly mini-batch SGD, one exchange per step). With one part either way
 * trains exactly as {@code ML_TRAIN}.
 *
 * <p>{@code class_weight} is the table's: {@code balanced} counts every part's rows (from the parts'
 * summaries), and averaging weighs each part by its share of the weighted loss, the sum of its rows'
 * weights, as it weighs parts by their rows without class weights.
 */
public final class DistributedTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    /** How the parts' work is combined. */
    public enum Mode { AVERAGE, GRADIENTS }

    /**
     * @param mode  what is exchanged
     * @param every for {@link Mode#AVERAGE}, local batches between two averagings; 0 averages once per epoch
     */
    public record Sync(Mode mode, int every) implements Serializable {
        public Sync {
            Objects.requireNonNull(mode, "mode");
            if (every < 0) throw new IllegalArgumentException("sync every must be 0 (once per epoch) or more batches; got " + every);
        }

        public static Sync defaults() {
            return new Sync(Mode.AVERAGE, 0);
        }
    }

    /**
     * What a part holds, read where it is.
     *
     * @param rowsPerClass how many of its rows each of its {@code classes} has (empty for a regression)
     */
    private record Summary(int rows, FeatureKind kind, int width, List<String> featureNames, LabelKind labelKind,
                           Task task, List<String> classes, int[] rowsPerClass) implements Serializable {

        static Summary of(DatasetPart part) {
            int[] counts = new int[part.classes().size()];
            if (part.classIndices() != null) {
                for (int r = 0; r < part.rows(); r++) counts[part.classIndices()[r]]++;
            }
            return new Summary(part.rows(), part.kind(), part.width(), part.featureNames(), part.labelKind(),
                    part.task(), part.classes(), counts);
        }
    }

    private DistributedTrainer() {
    }

    /**
     * Trains on the rows of {@code parts}, each part's computations on {@code threads} threads.
     *
     * @throws DataException            for rows that break {@code ML_TRAIN}'s rules, or parts that disagree
     * @throws IllegalArgumentException for options that do not fit the data, or a diverging training
     */
    public static TrainedModel train(Partitions<DatasetPart> parts, TrainingOptions options, Sync sync, int threads,
                                     TrainingListener listener) {
        if (options.warmStart() != null) {
            throw new UnsupportedOperationException("options warm_start and init_version are not supported by spark"
                    + " train yet; continue the model with ML_TRAIN in the database, or train anew");
        }
        long start = System.nanoTime();
        List<Summary> summaries = parts.map(null, (part, none, i) -> Summary.of(part));
        Summary table = combine(summaries);
        List<String> classes = table.task() == Task.CLASSIFICATION
                ? DatasetPart.allClasses(table.labelKind(), summaries.stream().map(Summary::classes).toList())
                : List.of();
        Partitions<TrainingShard> shards = parts.derive(new ArrayList<>(classes),
                (part, all, i) -> new TrainingShard(i, part, all));
        try {
            long rows = summaries.stream().mapToLong(Summary::rows).sum();
            float[] classWeights = options.classWeightsFor(table.task(), classes, rowsPerClass(summaries, classes));
            return train(shards, table, rows, classes, classWeights, options, sync, threads, listener, start);
        } finally {
            shards.release();
        }
    }

    /** How many rows each of the table's {@code classes} has in all parts, as {@code ML_TRAIN} counts them on one table. */
    private static int[] rowsPerClass(List<Summary> summaries, List<String> classes) {
        int[] counts = new int[classes.size()];
        for (Summary s : summaries) {
            for (int c = 0; c < s.classes().size(); c++) counts[classes.indexOf(s.classes().get(c))] += s.rowsPerClass()[c];
        }
        return counts;
    }

    private static Summary combine(List<Summary> summaries) {
        Summary first = null;
        for (int i = 0; i < summaries.size(); i++) {
            Summary s = summaries.get(i);
            if (s.rows() == 0) continue;
            if (first == null) {
                first = s;
            } else if (s.width() != first.width() || s.kind() != first.kind()) {
                throw new DataException("the rows' features differ in width: " + first.width() + " " + first.kind()
                        + " features in one partition, " + s.width() + " " + s.kind() + " in partition " + i
                        + "; every row needs the same number of features");
            }
        }
        if (first == null) {
            throw new DataException("the training rows are empty; check the query or the DataFrame's filter");
        }
        return first;
    }

    private static TrainedModel train(Partitions<TrainingShard> shards, Summary table, long rows, List<String> classes,
                                      float[] classWeights, TrainingOptions options, Sync sync, int threads,
                                      TrainingListener listener, long start) {
        boolean classification = table.task() == Task.CLASSIFICATION;
        TrainerConfig config = ModelTrainer.withThreads(ModelTrainer.config(options, classification, rows, classWeights,
                plainColumns(table)), threads);
        Preprocessing preprocessing = fitScaling(shards, options.scale(), table.kind(), table.width(), rows);
        FeatureEncoding encoding = plainColumns(table) ? numberEncoding(shards, table, options, rows) : null;
        double[] target = classification ? new double[] {0, 1} : fitTarget(shards, rows);
        TrainingShard.Setup setup = new TrainingShard.Setup(System.nanoTime() ^ start, preprocessing, target[0],
                target[1], options, config);

        List<int[]> counts = shards.map(setup, (shard, s, i) -> shard.rowCounts(s));
        List<Integer> trainRows = counts.stream().map(c -> c[0]).toList();
        long trainTotal = trainRows.stream().mapToLong(Integer::longValue).sum();
        boolean held = counts.stream().anyMatch(c -> c[1] > 0);
        if (trainTotal == 0) {
            throw new IllegalArgumentException("no rows left for training after holding out rows for validation;"
                    + " lower validation_fraction or add rows");
        }
        int outputs = classification ? classes.size() : 1;
        int maxBatch = (int) Math.min(config.batchSize(), trainTotal);
        Replica driver = Replica.start(config, dev.sqlnn.nn.Engine.kernels(), table.width(), outputs, maxBatch);
        ReplicaState state = driver.state();

        List<EpochStats> history = new ArrayList<>();
        ReplicaState best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        boolean[] warned = new boolean[1];
        dev.sqlnn.nn.LearningRateSchedule.Run schedule = config.schedule().start(config.learningRate(), config.epochs());
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double rate = schedule.rate(epoch);
            double[] loss = new double[2]; // summed loss, and the rows (or their class weights) it sums over
            driver.setLearningRate(rate);
            state = sync.mode() == Mode.AVERAGE
                    ? averagingEpoch(shards, setup, state, epoch, rate, trainRows, sync.every(), loss, listener, warned)
                    : gradientEpoch(shards, setup, driver, state, epoch, trainRows, loss, listener, warned);
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            Replica.Evaluation validation = shards.map(new Evaluated(setup, state),
                            (shard, x, i) -> shard.evaluate(x.setup(), x.state())).stream()
                    .filter(Objects::nonNull).reduce(Replica.Evaluation::plus).orElse(null);
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochStats stats = new EpochStats(epoch + 1, loss[0] / loss[1],
                    validation == null ? Double.NaN : validation.loss(),
                    validation == null ? Double.NaN : validation.metric(classification),
                    rate, seconds, trainTotal / trainSeconds);
            history.add(stats);
            listener.onEpoch(stats);
            schedule.observe(epoch, stats.validationLoss());
            if (!Double.isFinite(stats.trainLoss())) throw Trainer.diverged(stats);
            if (config.patience() > 0 && validation != null) {
                if (validation.loss() < bestLoss) {
                    bestLoss = validation.loss();
                    bestEpoch = epoch + 1;
                    best = state;
                } else if (epoch + 1 - bestEpoch >= config.patience()) {
                    break;
                }
            }
        }
        if (best == null) {
            best = state;
            bestEpoch = history.size();
        }
        Network network = Replica.resume(config, dev.sqlnn.nn.Engine.kernels(), best, maxBatch).network();
        Model model = new Model(table.task(), table.labelKind(), classes, table.featureNames(), encoding, preprocessing,
                network, target[0], target[1]);
        byte[] blob = ModelCodec.encode(model);
        List<TrainingShard.Outputs> scored = shards.map(new Scoring(setup, blob, held),
                (shard, x, i) -> shard.outputs(x.setup(), x.blob(), x.held()));
        ModelTrainer.Actual actual = concat(scored, classification);
        float[] all = concatOutputs(scored);
        return ModelTrainer.trained(model, options, actual, all, held, List.copyOf(history), bestEpoch, trainTotal, start,
                null);
    }

    /** Whether the parts' features are plain columns, one per name (as ML_TRAIN's encoding of numbers would be). */
    private static boolean plainColumns(Summary table) {
        return table.kind() == FeatureKind.NUMERIC && table.featureNames().size() == table.width();
    }

    /** The scaling fitted on every part's rows, as {@link Scaler#fit} fits it on one table. */
    private static Preprocessing fitScaling(Partitions<TrainingShard> shards, Scaling requested, FeatureKind kind,
                                            int width, long rows) {
        Scaling scaling = Scaler.resolve(requested, kind);
        return switch (scaling) {
            case BYTES -> Preprocessing.bytes(width);
            case NONE -> Preprocessing.identity(kind, width);
            case STANDARD -> {
                List<double[]> sums = shards.map(null, (shard, none, i) ->
                        shard.dataset() == null ? null : Scaler.sums(shard.dataset()));
                double[] means = Scaler.means(addUp(sums, width), rows);
                List<double[]> deviations = shards.map(means, (shard, m, i) ->
                        shard.dataset() == null ? null : Scaler.squaredDeviations(shard.dataset(), m));
                yield Scaler.standard(kind, means, addUp(deviations, width), rows);
            }
            case MINMAX -> {
                List<float[][]> ranges = shards.map(null, (shard, none, i) ->
                        shard.dataset() == null ? null : Scaler.range(shard.dataset()));
                float[] minimum = null, maximum = null;
                for (float[][] range : ranges) {
                    if (range == null) continue;
                    if (minimum == null) {
                        minimum = range[0];
                        maximum = range[1];
                        continue;
                    }
                    for (int f = 0; f < width; f++) {
                        minimum[f] = Math.min(minimum[f], range[0][f]);
                        maximum[f] = Math.max(maximum[f], range[1][f]);
                    }
                }
                yield Scaler.minMax(kind, minimum, maximum);
            }
            case AUTO -> throw new AssertionError("resolved above");
        };
    }

    /** Element-wise sums of the parts' arrays, in part order. */
    /**
     * What {@code ML_TRAIN} stores for plain columns, which here are numbers and never NULL: each
     * column's stand-in for a NULL at prediction, its mean over every part (or 0, or none, as
     * {@code impute} says). A median would need every value in one place: refused, as are categories.
     */
    private static FeatureEncoding numberEncoding(Partitions<TrainingShard> shards, Summary table, TrainingOptions options,
                                                  long rows) {
        EncodingOptions asked = options.encoding();
        for (var e : asked.columns().entrySet()) {
            if (Boolean.TRUE.equals(e.getValue().oneHot())) {
                throw new OptionsException("option 'columns' asks to one-hot encode " + e.getKey() + "; training on Spark"
                        + " partitions takes numbers only for now: encode it with ML_TRAIN, or leave out its encode");
            }
        }
        List<String> names = table.featureNames();
        double[] means = null;
        List<FeatureEncoding.Column> columns = new ArrayList<>(names.size());
        for (int f = 0; f < names.size(); f++) {
            Imputation impute = asked.numberImputation(names.get(f));
            if (impute == Imputation.MEDIAN || impute == Imputation.MISSING) {
                throw new OptionsException("option 'impute' " + impute.optionName() + " for " + names.get(f) + " cannot be"
                        + " fitted across Spark partitions: use mean, zero or error");
            }
            if (impute == Imputation.MEAN && means == null) {
                means = Scaler.means(addUp(shards.map(null, (shard, none, i) ->
                        shard.dataset() == null ? null : Scaler.sums(shard.dataset())), table.width()), rows);
            }
            float fill = impute == Imputation.MEAN ? (float) means[f] : 0f;
            columns.add(FeatureEncoding.Column.number(names.get(f), impute, fill));
        }
        return new FeatureEncoding(columns);
    }

    private static double[] addUp(List<double[]> parts, int width) {
        double[] total = new double[width];
        for (double[] part : parts) {
            if (part == null) continue;
            for (int f = 0; f < width; f++) total[f] += part[f];
        }
        return total;
    }

    /** A regression's target {shift, scale}: mean and standard deviation over every part, as {@code ML_TRAIN} has them. */
    private static double[] fitTarget(Partitions<TrainingShard> shards, long rows) {
        double sum = 0;
        for (double[] s : shards.map(0.0, (shard, mean, i) -> shard.targetSums(mean))) sum += s[0];
        double mean = sum / rows;
        double squares = 0;
        for (double[] s : shards.map(mean, (shard, m, i) -> shard.targetSums(m))) squares += s[1];
        double std = Math.sqrt(squares / rows);
        return new double[] {mean, std > 0 && Double.isFinite(std) ? std : 1};
    }

    /** A state to measure on the parts' validation rows. */
    private record Evaluated(TrainingShard.Setup setup, ReplicaState state) implements Serializable {
    }

    /** What the parts need to score their held-out rows with the trained model. */
    private record Scoring(TrainingShard.Setup setup, byte[] blob, boolean held) implements Serializable {
    }

    private record Round(TrainingShard.Setup setup, ReplicaState state, int epoch, double learningRate, int first,
                         int count, int rowsPerStep) implements Serializable {
    }

    /** One epoch of local steps at the schedule's {@code rate}, averaged every {@code every} batches (0: once, at the end). */
    private static ReplicaState averagingEpoch(Partitions<TrainingShard> shards, TrainingShard.Setup setup,
                                               ReplicaState state, int epoch, double rate, List<Integer> trainRows,
                                               int every,
                                               double[] loss, TrainingListener listener, boolean[] warned) {
        int rowsPerStep = rowsPerStep(setup, trainRows);
        int batches = 0;
        for (int rows : trainRows) {
            if (rows == 0) continue;
            int batch = Math.min(rowsPerStep, rows);
            batches = Math.max(batches, (rows + batch - 1) / batch);
        }
        int perRound = every == 0 ? batches : every;
        int rounds = (batches + perRound - 1) / perRound;
        long epochStart = System.nanoTime();
        double computing = 0;
        for (int r = 0; r < rounds; r++) {
            Round round = new Round(setup, state, epoch, rate, r * perRound, perRound, rowsPerStep);
            List<TrainingShard.RoundResult> results = shards.map(round, (shard, x, i) ->
                    shard.round(x.setup(), x.state(), x.epoch(), x.learningRate(), x.first(), x.count(), x.rowsPerStep()));
            List<ReplicaState> states = new ArrayList<>();
            List<Double> weights = new ArrayList<>();
            double roundLoss = 0;
            double roundWeight = 0;
            double slowest = 0;
            for (TrainingShard.RoundResult result : results) {
                if (result == null) continue;
                slowest = Math.max(slowest, result.seconds());
                states.add(result.state());
                // a part counts by its rows, or with class weights by their sum: its share of the (weighted) loss
                weights.add(result.weight());
                roundLoss += result.lossSum();
                roundWeight += result.weight();
                warnIfScalar(result.kernels(), warned);
            }
            state = ReplicaState.average(states, weights.stream().mapToDouble(Double::doubleValue).toArray());
            computing += slowest;
            loss[0] += roundLoss;
            loss[1] += roundWeight;
            listener.onBatch(epoch + 1, r + 1, rounds, roundLoss / roundWeight);
        }
        logShare(epoch, rounds, epochStart, computing);
        return state;
    }

    private record Step(TrainingShard.Setup setup, ReplicaState parameters, int epoch, int step, int rowsPerStep)
            implements Serializable {
    }

    /** One epoch of steps, each on the sum of the parts' gradients over their shares of one batch. */
    private static ReplicaState gradientEpoch(Partitions<TrainingShard> shards, TrainingShard.Setup setup,
                                              Replica driver, ReplicaState state, int epoch, List<Integer> trainRows,
                                              double[] loss, TrainingListener listener, boolean[] warned) {
        int rowsPerStep = rowsPerStep(setup, trainRows);
        int steps = 0;
        for (int rows : trainRows) steps = Math.max(steps, (rows + rowsPerStep - 1) / rowsPerStep);
        long epochStart = System.nanoTime();
        double computing = 0;
        for (int step = 0; step < steps; step++) {
            ReplicaState parameters = new ReplicaState(state.sizes(), driver.state().parameters(), new float[0],
                    new float[0], 0);
            Step x = new Step(setup, parameters, epoch, step, rowsPerStep);
            List<TrainingShard.GradientResult> results = shards.map(x, (shard, s, i) ->
                    shard.gradient(s.setup(), s.parameters(), s.epoch(), s.step(), s.rowsPerStep()));
            double[] sum = new double[parameters.parameters().length];
            double stepLoss = 0;
            double weight = 0; // the rows, or with class weights their weights: the step is on the (weighted) mean
            double slowest = 0;
            for (TrainingShard.GradientResult result : results) {
                if (result == null) continue;
                slowest = Math.max(slowest, result.seconds());
                float[] g = result.gradientSum();
                for (int p = 0; p < sum.length; p++) sum[p] += g[p];
                stepLoss += result.lossSum();
                weight += result.weight();
                warnIfScalar(result.kernels(), warned);
            }
            float[] mean = new float[sum.length];
            for (int p = 0; p < sum.length; p++) mean[p] = (float) (sum[p] / weight);
            long update = System.nanoTime();
            driver.applyGradient(mean);
            computing += slowest + (System.nanoTime() - update) / 1e9;
            loss[0] += stepLoss;
            loss[1] += weight;
            listener.onBatch(epoch + 1, step + 1, steps, stepLoss / weight);
        }
        logShare(epoch, steps, epochStart, computing);
        return driver.state();
    }

    /**
     * Each part's share of one batch: the batch size over the parts that have rows, so that every epoch
     * takes as many steps of {@code batch_size} rows in all as {@code ML_TRAIN} takes on one node.
     */
    private static int rowsPerStep(TrainingShard.Setup setup, List<Integer> trainRows) {
        long withRows = trainRows.stream().filter(r -> r > 0).count();
        return (int) Math.max(1, setup.config().batchSize() / withRows);
    }

    /** How an epoch's time divides between computing (the slowest part's, each exchange) and everything else. */
    private static void logShare(int epoch, int exchanges, long start, double computing) {
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info(String.format(java.util.Locale.ROOT, "sqlnn: epoch %d: %d exchange%s in %.2f s, %.2f s of it computing"
                + " in the slowest partition (%.0f%%), the rest moving parameters and scheduling",
                epoch + 1, exchanges, exchanges == 1 ? "" : "s", seconds, computing, 100 * computing / seconds));
    }

    private static void warnIfScalar(String kernels, boolean[] warned) {
        if (!warned[0] && kernels.toLowerCase(java.util.Locale.ROOT).contains("scalar")) {
            warned[0] = true;
            LOG.warn("sqlnn: an executor computes on {} kernels, several times slower than the Vector API's: start"
                    + " executors with --add-modules jdk.incubator.vector (spark.executor.extraJavaOptions)", kernels);
        }
    }

    private static ModelTrainer.Actual concat(List<TrainingShard.Outputs> parts, boolean classification) {
        List<TrainingShard.Outputs> present = parts.stream().filter(Objects::nonNull).toList();
        int rows = 0;
        for (TrainingShard.Outputs o : present) rows += classification ? o.classes().length : o.targets().length;
        int[] classes = classification ? new int[rows] : null;
        double[] targets = classification ? null : new double[rows];
        int at = 0;
        for (TrainingShard.Outputs o : present) {
            int n = classification ? o.classes().length : o.targets().length;
            if (classification) System.arraycopy(o.classes(), 0, classes, at, n);
            else System.arraycopy(o.targets(), 0, targets, at, n);
            at += n;
        }
        return new ModelTrainer.Actual(classes, targets);
    }

    private static float[] concatOutputs(List<TrainingShard.Outputs> parts) {
        List<TrainingShard.Outputs> present = parts.stream().filter(Objects::nonNull).toList();
        int length = present.stream().mapToInt(o -> o.outputs().length).sum();
        float[] all = new float[length];
        int at = 0;
        for (TrainingShard.Outputs o : present) {
            System.arraycopy(o.outputs(), 0, all, at, o.outputs().length);
            at += o.outputs().length;
        }
        return all;
    }
}

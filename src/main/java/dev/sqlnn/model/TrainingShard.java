package dev.sqlnn.model;

import dev.sqlnn.data.Dataset;
import dev.sqlnn.data.DatasetExamples;
import dev.sqlnn.data.DatasetPart;
import dev.sqlnn.data.ImageAugmenter;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.nn.Replica;
import dev.sqlnn.nn.ReplicaState;
import dev.sqlnn.nn.Trainer;
import dev.sqlnn.nn.TrainerConfig;
import dev.sqlnn.options.TrainingOptions;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One part of a distributed training's rows, where it is kept: its dataset, and once the
 * preprocessing is fitted, its examples and its own seeded split into training and validation rows.
 * Part 0 uses the training's seed as it is, so a training on one part splits, shuffles and steps
 * exactly as {@code ML_TRAIN}; part {@code i} mixes {@code i} into the seed.
 *
 * <p>Everything but the dataset is derived again when needed ({@link #prepared}), so a part that
 * Spark recomputes after losing an executor gives the same rows in the same order.
 */
final class TrainingShard {

    /** What every part needs to turn its dataset into examples: fitted on all parts by the driver. */
    record Setup(long id, Preprocessing preprocessing, double targetShift, double targetScale,
                 TrainingOptions options, TrainerConfig config) implements Serializable {
    }

    private final int index;
    private final Dataset dataset; // null: the part has no rows
    private long preparedFor = -1;
    private DatasetExamples examples;
    private DatasetExamples trainingExamples; // augmented when asked
    private int[] trainRows;
    private int[] validationRows;
    private int orderEpoch = -1;
    private int[] order;
    private SplittableRandom shuffler;

    TrainingShard(int index, DatasetPart part, List<String> classes) {
        this.index = index;
        this.dataset = part.rows() == 0 ? null : part.toDataset(classes);
    }

    Dataset dataset() {
        return dataset;
    }

    /** The seed of part {@code index}: the training's own for part 0. */
    static long seed(long seed, int index) {
        return seed + index * 0x9E3779B97F4A7C15L;
    }

    private TrainingShard prepared(Setup setup) {
        if (preparedFor == setup.id() || dataset == null) return this;
        examples = new DatasetExamples(dataset, setup.preprocessing(), setup.targetShift(), setup.targetScale());
        ImageAugmenter augmenter = ModelTrainer.augmenter(setup.options(), dataset);
        trainingExamples = augmenter == null ? examples : examples.withAugmenter(augmenter);
        int[][] split = Trainer.split(dataset.rows(), setup.config().validationFraction(),
                seed(setup.config().seed(), index));
        trainRows = split[0];
        validationRows = split[1];
        orderEpoch = -1;
        preparedFor = setup.id();
        return this;
    }

    /** {training rows, validation rows} of this part. */
    int[] rowCounts(Setup setup) {
        if (dataset == null) return new int[2];
        prepared(setup);
        return new int[] {trainRows.length, validationRows.length};
    }

    /**
     * Training rows in epoch {@code epoch}'s order: the split's order shuffled {@code epoch + 1} times
     * by one random, as {@link Trainer} does; continued from the previous epoch's order when this part
     * has it, else (a part made again) replayed from the start.
     */
    private int[] order(Setup setup, int epoch) {
        if (orderEpoch == epoch) return order;
        if (orderEpoch < 0 || orderEpoch != epoch - 1) { // -1: none yet
            order = trainRows.clone();
            shuffler = Trainer.shuffler(seed(setup.config().seed(), index));
            orderEpoch = -1;
        }
        while (orderEpoch < epoch) {
            Trainer.shuffle(order, shuffler);
            orderEpoch++;
        }
        return order;
    }

    /**
     * Where a round of local steps left a part: its state, and its summed loss over the rows it stepped on.
     *
     * @param weight the rows, or with class weights the sum of their weights, that the loss sums over
     */
    record RoundResult(ReplicaState state, double lossSum, double weight, String kernels, double seconds)
            implements Serializable {
    }

    /**
     * Steps from {@code state} through this part's batches {@code [first, first + count)} of the epoch,
     * of {@code rowsPerStep} rows; null when it has none of them.
     */
    RoundResult round(Setup setup, ReplicaState state, int epoch, double learningRate, int first, int count,
                      int rowsPerStep) {
        if (dataset == null) return null;
        prepared(setup);
        if (trainRows.length == 0) return null;
        int batch = Math.min(rowsPerStep, trainRows.length);
        int[] rows = order(setup, epoch);
        int batches = (rows.length + batch - 1) / batch;
        if (first >= batches) return null;
        long start = System.nanoTime();
        Replica replica = Replica.resume(setup.config(), Engine.kernels(), state, batch);
        replica.setLearningRate(learningRate);
        replica.seedDropout(dropoutSeed(setup, epoch, first));
        double lossSum = 0;
        double weight = 0;
        for (int b = first; b < Math.min(batches, first + count); b++) {
            int from = b * batch;
            int n = Math.min(batch, rows.length - from);
            lossSum += replica.step(trainingExamples, rows, from, n, epoch) * replica.lastWeight();
            weight += replica.lastWeight();
        }
        ReplicaState after = replica.state();
        return new RoundResult(after, lossSum, weight, Engine.kernelsDescription(),
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * A part's gradient of the summed loss over its rows of one step, flat.
     *
     * @param weight the rows, or with class weights the sum of their weights, that the sums are over
     */
    record GradientResult(float[] gradientSum, double lossSum, double weight, String kernels, double seconds)
            implements Serializable {
    }

    /**
     * The gradient at {@code parameters} (a state without optimizer arrays) of this part's rows
     * {@code [step × rowsPerStep, (step + 1) × rowsPerStep)} of the epoch; null when it has none.
     */
    GradientResult gradient(Setup setup, ReplicaState parameters, int epoch, int step, int rowsPerStep) {
        if (dataset == null) return null;
        prepared(setup);
        int[] rows = order(setup, epoch);
        long from = (long) step * rowsPerStep;
        if (from >= rows.length) return null;
        int n = (int) Math.min(rowsPerStep, rows.length - from);
        long start = System.nanoTime();
        Replica replica = Replica.resume(setup.config(), Engine.kernels(), parameters, n);
        replica.seedDropout(dropoutSeed(setup, epoch, step));
        double[] sum = new double[parameters.parameters().length];
        double loss = replica.addGradient(trainingExamples, rows, (int) from, n, sum);
        float[] gradient = new float[sum.length];
        for (int i = 0; i < sum.length; i++) gradient[i] = (float) sum[i];
        return new GradientResult(gradient, loss, replica.lastWeight(), Engine.kernelsDescription(),
                (System.nanoTime() - start) / 1e9);
    }

    /** The seed of this part's dropout masks in one round or step of an epoch: each draws its own. */
    private long dropoutSeed(Setup setup, int epoch, int at) {
        return seed(setup.config().seed(), index) + 0x9E3779B97F4A7C15L * (((long) epoch << 32) + at + 1);
    }

    /** Loss and metric sums at {@code state} on this part's validation rows; null when it has none. */
    Replica.Evaluation evaluate(Setup setup, ReplicaState state) {
        if (dataset == null) return null;
        prepared(setup);
        if (validationRows.length == 0) return null;
        Replica replica = Replica.resume(setup.config(), Engine.kernels(), state,
                Math.min(setup.config().batchSize(), validationRows.length));
        return replica.evaluate(examples, validationRows);
    }

    /** A part's true labels and a model's outputs on its held-out rows (its training rows when none are held out). */
    record Outputs(int[] classes, double[] targets, float[] outputs) implements Serializable {
    }

    Outputs outputs(Setup setup, byte[] modelBlob, boolean held) {
        if (dataset == null) return null;
        prepared(setup);
        int[] rows = held ? validationRows : trainRows;
        if (rows.length == 0) return null;
        Model model = ModelCodec.decode(modelBlob);
        float[] outputs = BatchScorer.score(model, examples, rows, setup.config().threads());
        ModelTrainer.Actual actual = ModelTrainer.Actual.of(model, examples, rows);
        return new Outputs(actual.classes(), actual.targets(), outputs);
    }

    /** For fitting a regression's target scaling: {sum, squared deviations from {@code mean}} of this part's targets. */
    double[] targetSums(double mean) {
        if (dataset == null || dataset.task() != Task.REGRESSION) return new double[] {0, 0};
        double sum = 0, squares = 0;
        for (int r = 0; r < dataset.rows(); r++) {
            double t = dataset.target(r);
            sum += t;
            squares += (t - mean) * (t - mean);
        }
        return new double[] {sum, squares};
    }
}

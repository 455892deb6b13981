package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Network} by mini-batch gradient descent: a seeded validation split, a reshuffle
 * per epoch, one optimizer step per batch, validation after each epoch, and early stopping that
 * keeps the parameters of the epoch with the lowest validation loss. With class weights
 * ({@link TrainerConfig#classWeights}) every loss it reports and watches, training and validation,
 * is the weighted mean; the validation metric (accuracy) is not weighted.
 *
 * <p>Same seed, examples and thread count give bit-identical weights: every random choice comes
 * from the seed, and the matrix products sum in a fixed order (see {@link MatMul}).
 */
public final class Trainer {

    private final TrainerConfig config;
    private final Kernels kernels;

    /** A trainer on {@code kernels}, whose products borrow {@code config.threads()} of the {@link Engine}'s threads. */
    public Trainer(TrainerConfig config, Kernels kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    /**
     * Trains a new network.
     *
     * @param outputWidth number of classes, or 1 for regression
     */
    public TrainingResult train(Examples examples, int outputWidth, TrainingListener listener) {
        return train(examples, outputWidth, null, listener);
    }

    /**
     * Trains a network that starts from {@code first}'s parameters (a warm start; null: drawn as
     * {@link TrainerConfig#init} says), with a fresh optimizer. {@code first} is not changed.
     *
     * @throws IllegalArgumentException if {@code first} is not the network the config describes
     */
    public TrainingResult train(Examples examples, int outputWidth, Network first, TrainingListener listener) {
        return train(examples, outputWidth, first, split(examples.size(), config.validationFraction(), config.seed()),
                listener);
    }

    /**
     * Trains on the rows {@code split[0]} and validates on {@code split[1]} (a fold of a
     * cross-validation) instead of the seeded split of {@link TrainerConfig#validationFraction}.
     * {@code split} is not changed.
     */
    public TrainingResult train(Examples examples, int outputWidth, Network first, int[][] split,
                                TrainingListener listener) {
        int[] trainRows = split[0].clone(); // shuffled in place, epoch after epoch
        int[] validationRows = split[1];
        if (trainRows.length == 0) {
            throw new IllegalArgumentException("no rows left for training after holding out "
                    + validationRows.length + " for validation; lower validation_fraction or add rows");
        }
        int batch = Math.min(config.batchSize(), trainRows.length);
        Replica replica = first == null ? Replica.start(config, kernels, examples.inputWidth(), outputWidth, batch)
                : Replica.from(config, kernels, first, examples.inputWidth(), outputWidth, batch);
        return run(examples, replica, trainRows, validationRows, batch, listener);
    }

    private TrainingResult run(Examples examples, Replica replica, int[] trainRows, int[] validationRows, int batch,
                               TrainingListener listener) {
        Network network = replica.network();
        SplittableRandom shuffler = shuffler(config.seed());
        List<EpochStats> history = new ArrayList<>();
        Network best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        boolean stoppedEarly = false;
        int batches = (trainRows.length + batch - 1) / batch;
        LearningRateSchedule.Run schedule = config.schedule().start(config.learningRate(), config.epochs());

        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            double rate = schedule.rate(epoch);
            // a constant schedule leaves the optimizer's rate alone, so that such models keep their bits
            if (!config.schedule().constant()) replica.setLearningRate(rate);
            shuffle(trainRows, shuffler);
            double lossSum = 0;
            double weightSum = 0; // the rows, or with class weights their weights: the epoch's loss is their mean
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int rows = Math.min(batch, trainRows.length - from);
                double batchLoss = replica.step(examples, trainRows, from, rows, epoch);
                lossSum += batchLoss * replica.lastWeight();
                weightSum += replica.lastWeight();
                listener.onBatch(epoch + 1, b + 1, batches, batchLoss);
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Replica.Evaluation validation = validationRows.length == 0 ? null
                    : replica.evaluate(examples, validationRows);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch + 1, lossSum / weightSum,
                    validation == null ? Double.NaN : validation.loss(),
                    validation == null ? Double.NaN : validation.metric(config.classification()),
                    rate, seconds, trainRows.length / trainSeconds);
            history.add(stats);
            listener.onEpoch(stats);
            schedule.observe(epoch, stats.validationLoss());

            if (!Double.isFinite(stats.trainLoss())) {
                throw diverged(stats);
            }
            if (config.patience() > 0) {
                if (validation.loss() < bestLoss) {
                    bestLoss = validation.loss();
                    bestEpoch = epoch + 1;
                    best = network.copy();
                } else if (epoch + 1 - bestEpoch >= config.patience()) {
                    stoppedEarly = epoch + 1 < config.epochs();
                    break;
                }
            }
        }
        if (best != null) {
            network.copyParametersFrom(best);
        } else {
            bestEpoch = history.size();
        }
        return new TrainingResult(network, List.copyOf(history), bestEpoch, trainRows, validationRows, stoppedEarly);
    }

    /** The random that reorders the training rows before each epoch, one shuffle after another. */
    public static SplittableRandom shuffler(long seed) {
        return new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** The error for an epoch whose loss is no longer a number. */
    public static IllegalArgumentException diverged(EpochStats stats) {
        return new IllegalArgumentException("training diverged: the loss became " + stats.trainLoss()
                + " in epoch " + stats.epoch() + "; lower learning_rate or check the features' scale");
    }

    /** A seeded split of rows 0..size-1: {training rows, validation rows}. */
    public static int[][] split(int size, double validationFraction, long seed) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        shuffle(all, new SplittableRandom(seed));
        int validation = (int) Math.round(size * validationFraction);
        if (validationFraction > 0 && validation == 0 && size > 1) validation = 1;
        int[] train = java.util.Arrays.copyOfRange(all, 0, size - validation);
        int[] held = java.util.Arrays.copyOfRange(all, size - validation, size);
        return new int[][] {train, held};
    }

    /** Fisher–Yates with the given random: the one shuffle of training rows. */
    public static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

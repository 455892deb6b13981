package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a {@link Network} by mini-batch gradient descent: a seeded validation split, a reshuffle
 * per epoch, one optimizer step per batch, validation after each epoch, and early stopping that
 * keeps the parameters of the epoch with the lowest validation loss.
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
        int[] sizes = config.layerSizes(examples.inputWidth(), outputWidth);
        Activation output = config.classification() ? Activation.SOFTMAX : Activation.IDENTITY;
        Network network = new Network(sizes, config.activation(), output);
        Initializer.initialize(network, config.seed());

        int[][] split = split(examples.size());
        int[] trainRows = split[0];
        int[] validationRows = split[1];
        if (trainRows.length == 0) {
            throw new IllegalArgumentException("no rows left for training after holding out "
                    + validationRows.length + " for validation; lower validation_fraction or add rows");
        }
        int batch = Math.min(config.batchSize(), trainRows.length);
        MatMul matMul = Engine.compute(kernels, config.threads());
        Propagation pass = new Propagation(network, matMul, config.loss(), batch);
        Optimizer optimizer = new Optimizer(config, network, matMul);
        return run(examples, network, pass, optimizer, matMul, trainRows, validationRows, batch, listener);
    }

    private TrainingResult run(Examples examples, Network network, Propagation pass, Optimizer optimizer, MatMul matMul,
                               int[] trainRows, int[] validationRows, int batch, TrainingListener listener) {
        int[] labels = new int[batch];
        float[] targets = config.classification() ? null : new float[batch];
        SplittableRandom shuffler = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        List<EpochStats> history = new ArrayList<>();
        Network best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        boolean stoppedEarly = false;
        int batches = (trainRows.length + batch - 1) / batch;
        double[] batchLoss = new double[1];

        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            shuffle(trainRows, shuffler);
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int rows = Math.min(batch, trainRows.length - from);
                examples.inputs(trainRows, from, rows, pass.input(), epoch);
                fillLabels(examples, trainRows, from, rows, labels, targets);
                // One step holds its threads from the forward pass to the update: a dozen hand-offs apart.
                matMul.session(() -> {
                    pass.forward(rows);
                    batchLoss[0] = pass.loss(rows, labels, targets) / rows;
                    pass.backward(rows, labels, targets);
                    optimizer.step(network, pass.gradW, pass.gradB);
                });
                lossSum += batchLoss[0] * rows;
                listener.onBatch(epoch + 1, b + 1, batches, batchLoss[0]);
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Evaluation validation = validationRows.length == 0 ? null
                    : evaluate(examples, validationRows, pass, labels, targets);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochStats stats = new EpochStats(epoch + 1, lossSum / trainRows.length,
                    validation == null ? Double.NaN : validation.loss,
                    validation == null ? Double.NaN : validation.metric,
                    config.learningRate(), seconds, trainRows.length / trainSeconds);
            history.add(stats);
            listener.onEpoch(stats);

            if (!Double.isFinite(stats.trainLoss())) {
                throw new IllegalArgumentException("training diverged: the loss became " + stats.trainLoss()
                        + " in epoch " + (epoch + 1) + "; lower learning_rate or check the features' scale");
            }
            if (config.patience() > 0) {
                if (validation.loss < bestLoss) {
                    bestLoss = validation.loss;
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

    private record Evaluation(double loss, double metric) {
    }

    /** Loss and metric (accuracy, or R² for regression) of the current network on some rows. */
    private Evaluation evaluate(Examples examples, int[] rows, Propagation pass, int[] labels, float[] targets) {
        int batch = labels.length;
        int width = pass.outputWidth();
        double lossSum = 0;
        long correct = 0;
        double targetSum = 0, targetSquares = 0, residualSquares = 0;
        for (int from = 0; from < rows.length; from += batch) {
            int n = Math.min(batch, rows.length - from);
            examples.inputs(rows, from, n, pass.input(), -1);
            fillLabels(examples, rows, from, n, labels, targets);
            pass.forward(n);
            lossSum += pass.loss(n, labels, targets);
            float[] y = pass.result();
            for (int r = 0; r < n; r++) {
                if (config.classification()) {
                    if (Predictor.argMax(y, r * width, width) == labels[r]) correct++;
                } else {
                    double t = targets[r];
                    double d = y[r] - t;
                    targetSum += t;
                    targetSquares += t * t;
                    residualSquares += d * d;
                }
            }
        }
        double metric;
        if (config.classification()) {
            metric = (double) correct / rows.length;
        } else {
            double variance = targetSquares - targetSum * targetSum / rows.length;
            metric = variance > 0 ? 1 - residualSquares / variance : (residualSquares == 0 ? 1 : 0);
        }
        return new Evaluation(lossSum / rows.length, metric);
    }

    private void fillLabels(Examples examples, int[] rows, int from, int count, int[] labels, float[] targets) {
        for (int r = 0; r < count; r++) {
            int row = rows[from + r];
            if (targets == null) {
                labels[r] = examples.classIndex(row);
            } else {
                targets[r] = examples.target(row);
            }
        }
    }

    /** A seeded split: the first part trains, the rest validates. */
    private int[][] split(int size) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        shuffle(all, new SplittableRandom(config.seed()));
        int validation = (int) Math.round(size * config.validationFraction());
        if (config.validationFraction() > 0 && validation == 0 && size > 1) validation = 1;
        int[] train = java.util.Arrays.copyOfRange(all, 0, size - validation);
        int[] held = java.util.Arrays.copyOfRange(all, size - validation, size);
        return new int[][] {train, held};
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;

/**
 * One network under training with its optimizer and its pass buffers: what {@link Trainer} steps
 * through an epoch, and what a data-parallel trainer runs on each worker, starting from and handing
 * back a {@link ReplicaState}. Not thread-safe: one replica per worker.
 */
public final class Replica {

    private final TrainerConfig config;
    private final Network network;
    private final MatMul matMul;
    private final Propagation pass;
    private final Optimizer optimizer;
    private final int[] labels;
    private final float[] targets;
    /** Draws the dropout masks: from the config's seed, or as {@link #seedDropout} says. */
    private java.util.SplittableRandom dropoutRandom;
    /** The rows of the last {@link #step} or {@link #addGradient}, or their sum of class weights: see {@link #lastWeight}. */
    private double lastWeight;

    private Replica(TrainerConfig config, Network network, MatMul matMul, int batch) {
        this.config = config;
        this.network = network;
        this.matMul = matMul;
        this.pass = new Propagation(network, matMul, config.loss(), config.classWeights(), config.regularization(), batch);
        this.dropoutRandom = dropoutRandom(config.seed());
        this.optimizer = new Optimizer(config, network, matMul);
        this.labels = new int[batch];
        this.targets = config.classification() ? null : new float[batch];
    }

    /**
     * A new network for {@code inputWidth} features and {@code outputWidth} outputs (classes, or 1),
     * initialised from the config's seed, whose steps take at most {@code batch} rows.
     */
    public static Replica start(TrainerConfig config, Kernels kernels, int inputWidth, int outputWidth, int batch) {
        int[] sizes = config.layerSizes(inputWidth, outputWidth);
        Network network = new Network(sizes, config.activation(), outputActivation(config));
        Initializer.initialize(network, config.seed(), config.init());
        return new Replica(config, network, Engine.compute(kernels, config.threads()), batch);
    }

    /** A replica whose network starts as a copy of {@code first}, with a fresh optimizer. */
    public static Replica from(TrainerConfig config, Kernels kernels, Network first, int inputWidth, int outputWidth,
                               int batch) {
        Network network = first.copy();
        int[] sizes = config.layerSizes(inputWidth, outputWidth);
        if (!java.util.Arrays.equals(sizes, network.sizes()) || network.hiddenActivation() != config.activation()
                || network.outputActivation() != outputActivation(config)) {
            throw new IllegalArgumentException("the first network is " + java.util.Arrays.toString(network.sizes())
                    + " " + network.hiddenActivation() + "; the training is of " + java.util.Arrays.toString(sizes)
                    + " " + config.activation());
        }
        return new Replica(config, network, Engine.compute(kernels, config.threads()), batch);
    }

    /**
     * A replica that continues from {@code state}, whose steps take at most {@code batch} rows. A state
     * with parameters only (empty optimizer arrays) starts a fresh optimizer at its step count.
     */
    public static Replica resume(TrainerConfig config, Kernels kernels, ReplicaState state, int batch) {
        int[] sizes = state.sizes();
        float[][] weights = new float[sizes.length - 1][];
        float[][] biases = new float[sizes.length - 1][];
        int at = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            weights[l] = java.util.Arrays.copyOfRange(state.parameters(), at, at += sizes[l] * sizes[l + 1]);
            biases[l] = java.util.Arrays.copyOfRange(state.parameters(), at, at += sizes[l + 1]);
        }
        if (at != state.parameters().length) {
            throw new IllegalArgumentException("a network of " + java.util.Arrays.toString(sizes) + " has " + at
                    + " parameters; the state has " + state.parameters().length);
        }
        Network network = new Network(sizes, config.activation(), outputActivation(config), weights, biases);
        Replica replica = new Replica(config, network, Engine.compute(kernels, config.threads()), batch);
        replica.optimizer.restore(state.first(), state.second(), state.steps());
        return replica;
    }

    /** A random of its own, so that dropout leaves the shuffles and the initial weights of a seed as they were. */
    private static java.util.SplittableRandom dropoutRandom(long seed) {
        return new java.util.SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
    }

    /**
     * Draws the dropout masks of the steps to come from {@code seed}: for a trainer that makes a replica
     * per round or step, which must not drop the same units every time.
     */
    public void seedDropout(long seed) {
        dropoutRandom = dropoutRandom(seed);
    }

    /** Sets the learning rate of the steps to come (a schedule's rate for the epoch). */
    public void setLearningRate(double rate) {
        optimizer.setLearningRate(rate);
    }

    private static Activation outputActivation(TrainerConfig config) {
        return config.classification() ? Activation.SOFTMAX : Activation.IDENTITY;
    }

    /** The network, live: its parameters change with every step. */
    public Network network() {
        return network;
    }

    /** Copies of the parameters and the optimizer's state, flat. */
    public ReplicaState state() {
        float[][] optimizerState = optimizer.flatState(network);
        return new ReplicaState(network.sizes(), flat(network), optimizerState[0], optimizerState[1], optimizer.steps());
    }

    /**
     * One optimizer step on rows {@code rows[from..from+count)}: forward, loss, backward and update,
     * holding its threads from the first product to the update. Returns the batch's mean loss (with
     * class weights, its weighted mean: see {@link #lastWeight}).
     *
     * @param epoch the 0-based epoch, so that augmentation varies per epoch
     */
    public double step(Examples examples, int[] rows, int from, int count, int epoch) {
        examples.inputs(rows, from, count, pass.input(), epoch);
        fillLabels(examples, rows, from, count);
        double[] batchLoss = new double[1];
        pass.drawDropout(count, dropoutRandom);
        matMul.session(() -> {
            pass.forward(count, true);
            lastWeight = pass.weightSum(count, labels);
            batchLoss[0] = pass.loss(count, labels, targets) / lastWeight;
            pass.backward(count, labels, targets);
            optimizer.step(network, pass.gradW, pass.gradB);
        });
        return batchLoss[0];
    }

    /**
     * The rows of the last {@link #step} or {@link #addGradient}, or with class weights the sum of
     * their weights: what their summed loss is divided by to give the mean. A trainer that adds up
     * batches weighs each by this, so that an epoch's mean loss is the same kind of mean as a batch's.
     */
    public double lastWeight() {
        return lastWeight;
    }

    /**
     * The gradient of the summed loss over rows {@code rows[from..from+count)}, added into
     * {@code sum} (flat, in {@link ReplicaState}'s order), without changing the network; returns the
     * summed loss. With class weights both are of the weighted sum, and {@link #lastWeight} is the
     * rows' sum of weights. For trainers that combine gradients of one batch computed in several places:
     * they divide the sums by the total weight (the rows, without class weights).
     */
    public double addGradient(Examples examples, int[] rows, int from, int count, double[] sum) {
        examples.inputs(rows, from, count, pass.input(), -1);
        fillLabels(examples, rows, from, count);
        double[] loss = new double[1];
        pass.drawDropout(count, dropoutRandom);
        matMul.session(() -> {
            pass.forward(count, true);
            loss[0] = pass.loss(count, labels, targets);
            pass.backward(count, labels, targets);
        });
        double weight = pass.weightSum(count, labels);
        lastWeight = weight;
        int at = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            // backward gives the mean over the rows (or the weighted mean): times their weight makes it their sum
            for (float g : pass.gradW[l]) sum[at++] += (double) g * weight;
            for (float g : pass.gradB[l]) sum[at++] += (double) g * weight;
        }
        return loss[0];
    }

    /** One optimizer step with a gradient given flat, in {@link ReplicaState}'s order. */
    public void applyGradient(float[] gradient) {
        int at = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            System.arraycopy(gradient, at, pass.gradW[l], 0, pass.gradW[l].length);
            at += pass.gradW[l].length;
            System.arraycopy(gradient, at, pass.gradB[l], 0, pass.gradB[l].length);
            at += pass.gradB[l].length;
        }
        matMul.session(() -> optimizer.step(network, pass.gradW, pass.gradB));
    }

    /**
     * Sums over some rows of the current network's loss and of what its metric needs.
     *
     * @param weight the rows, or with class weights the sum of their weights: the loss is weighted as in
     *               training, so that early stopping watches what the training minimises; the metric is not
     */
    public record Evaluation(int rows, double weight, double lossSum, long correct, double targetSum,
                             double targetSquares, double residualSquares) implements java.io.Serializable {

        /** Two evaluations of disjoint rows as one. */
        public Evaluation plus(Evaluation o) {
            return new Evaluation(rows + o.rows, weight + o.weight, lossSum + o.lossSum, correct + o.correct,
                    targetSum + o.targetSum, targetSquares + o.targetSquares, residualSquares + o.residualSquares);
        }

        /** The mean loss, weighted with class weights. */
        public double loss() {
            return lossSum / weight;
        }

        /** Accuracy for a classifier, R² (of the scaled targets) for a regression. */
        public double metric(boolean classification) {
            if (classification) return (double) correct / rows;
            double variance = targetSquares - targetSum * targetSum / rows;
            return variance > 0 ? 1 - residualSquares / variance : (residualSquares == 0 ? 1 : 0);
        }
    }

    /** The loss and metric sums of the current network on some rows (unaugmented). */
    public Evaluation evaluate(Examples examples, int[] rows) {
        int batch = labels.length;
        int width = pass.outputWidth();
        double lossSum = 0;
        double weight = 0;
        long correct = 0;
        double targetSum = 0, targetSquares = 0, residualSquares = 0;
        for (int from = 0; from < rows.length; from += batch) {
            int n = Math.min(batch, rows.length - from);
            examples.inputs(rows, from, n, pass.input(), -1);
            fillLabels(examples, rows, from, n);
            pass.forward(n);
            lossSum += pass.loss(n, labels, targets);
            weight += pass.weightSum(n, labels);
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
        return new Evaluation(rows.length, weight, lossSum, correct, targetSum, targetSquares, residualSquares);
    }

    private void fillLabels(Examples examples, int[] rows, int from, int count) {
        for (int r = 0; r < count; r++) {
            int row = rows[from + r];
            if (targets == null) {
                labels[r] = examples.classIndex(row);
            } else {
                targets[r] = examples.target(row);
            }
        }
    }

    private static float[] flat(Network network) {
        float[] all = new float[Math.toIntExact(network.parameterCount())];
        int at = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            System.arraycopy(network.weights(l), 0, all, at, network.weights(l).length);
            at += network.weights(l).length;
            System.arraycopy(network.biases(l), 0, all, at, network.biases(l).length);
            at += network.biases(l).length;
        }
        return all;
    }
}

package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trains small networks on synthetic data with fixed seeds and checks what training must achieve:
 * thresholds and falling loss, never exact counts (SIMD changes the order of summation).
 */
class TrainerTest {

    private static final Kernels KERNELS = KernelProvider.kernels();

    /** A {@link TrainerConfig} that suits these small data sets; each test changes what it is about. */
    private static final class Config {
        int[] hidden = {16};
        Activation activation = Activation.RELU;
        Loss loss = Loss.CROSS_ENTROPY;
        boolean classification = true;
        OptimizerKind optimizer = OptimizerKind.ADAM;
        double learningRate = 0.01;
        double momentum = 0.9;
        int batchSize = 16;
        int epochs = 30;
        double validationFraction = 0.25;
        int patience = 0;
        double l2 = 0;
        long seed = 42;
        int threads = 1;
        float[] classWeights = null;

        Config regression() {
            classification = false;
            loss = Loss.MSE;
            return this;
        }

        TrainerConfig build() {
            return new TrainerConfig(hidden, activation, loss, classification, optimizer, learningRate, momentum,
                    0.9, 0.999, 1e-8, batchSize, epochs, validationFraction, patience, l2, seed, threads, classWeights, dev.sqlnn.nn.WeightInit.HE);
        }

        TrainingResult train(Examples examples, int outputWidth) {
            return new Trainer(build(), KERNELS).train(examples, outputWidth, TrainingListener.NONE);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "RELU"})
    void learnsXor(Activation activation) {
        ArrayExamples xor = ArrayExamples.xor(25);
        Config config = new Config();
        config.activation = activation;
        config.hidden = new int[] {16};
        config.learningRate = 0.02;
        config.batchSize = 8;
        config.epochs = 60;
        config.validationFraction = 0;
        TrainingResult result = config.train(xor, 2);

        Predictor predictor = new Predictor(result.network(), KERNELS);
        for (int row = 0; row < 4; row++) {
            float[] p = predictor.forward(xor.row(row));
            assertEquals(xor.classIndex(row), Predictor.argMax(p, 0, 2),
                    "XOR of " + Arrays.toString(xor.row(row)) + ": probabilities " + Arrays.toString(p));
        }
        assertLossFalls(result.epochs());
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void separatesBlobsWithEveryOptimizer(OptimizerKind optimizer) {
        Config config = new Config();
        config.optimizer = optimizer;
        config.learningRate = switch (optimizer) {
            case SGD -> 0.1;
            case MOMENTUM, NESTEROV -> 0.02;
            case ADAM -> 0.01;
        };
        config.epochs = 20;
        TrainingResult result = config.train(ArrayExamples.threeBlobs(100, 7), 3);

        EpochStats last = result.epochs().getLast();
        assertTrue(last.validationMetric() > 0.95, optimizer + ": validation accuracy " + last.validationMetric());
        assertLossFalls(result.epochs());
    }

    @Test
    void fitsAPlane() {
        Config config = new Config().regression();
        config.activation = Activation.TANH;
        config.epochs = 40;
        TrainingResult result = config.train(ArrayExamples.plane(400, 0.1, 11), 1);

        EpochStats last = result.epochs().getLast();
        assertTrue(last.validationMetric() > 0.95, "validation R² " + last.validationMetric());
        assertLossFalls(result.epochs());
    }

    @Test
    void weightDecayShrinksWeights() {
        ArrayExamples blobs = ArrayExamples.threeBlobs(100, 7);
        Config config = new Config();
        config.optimizer = OptimizerKind.SGD;
        config.learningRate = 0.1;
        config.epochs = 20;
        double free = squaredNorm(config.train(blobs, 3).network());
        config.l2 = 0.01;
        TrainingResult decayed = config.train(blobs, 3);

        assertTrue(squaredNorm(decayed.network()) < free,
                "‖w‖² with l2: " + squaredNorm(decayed.network()) + ", without: " + free);
        assertTrue(decayed.epochs().getLast().validationMetric() > 0.95, "decay this mild still separates the blobs");
    }

    /**
     * Wide enough layers (and batches) that {@link MatMul} splits products across threads: the
     * column split must not change a single bit.
     */
    @Test
    void sameSeedGivesIdenticalWeightsWhateverTheThreads() {
        ArrayExamples blobs = ArrayExamples.threeBlobs(100, 7);
        Config config = new Config();
        config.hidden = new int[] {256, 128};
        config.batchSize = 64;
        config.epochs = 3;
        Network first = config.train(blobs, 3).network();
        Network again = config.train(blobs, 3).network();
        config.threads = 2;
        Network twoThreads = config.train(blobs, 3).network();

        assertIdentical(first, again, "same seed, one thread");
        assertIdentical(first, twoThreads, "one thread vs two");
        config.seed = 43;
        Network otherSeed = config.train(blobs, 3).network();
        for (int l = 0; l < first.layerCount(); l++) {
            assertFalse(Arrays.equals(first.weights(l), otherSeed.weights(l)), "layer " + l + " with another seed");
        }
    }

    @Test
    void stopsEarlyAndKeepsTheBestEpoch() {
        // Twenty overlapping points for training, twenty to validate on, a network that can memorise them.
        ArrayExamples noisy = ArrayExamples.blobs(new float[][] {{0f, 0f}, {1.5f, 0f}}, 20, 1.0, 5);
        Config config = new Config();
        config.hidden = new int[] {64, 64};
        config.learningRate = 0.001;
        config.batchSize = 4;
        config.epochs = 100;
        config.validationFraction = 0.5;
        config.patience = 2;
        TrainingResult result = config.train(noisy, 2);

        List<EpochStats> epochs = result.epochs();
        assertTrue(result.stoppedEarly(), "ran all " + epochs.size() + " epochs");
        assertTrue(epochs.size() < config.epochs);
        int lowest = 0;
        for (int e = 1; e < epochs.size(); e++) {
            if (epochs.get(e).validationLoss() < epochs.get(lowest).validationLoss()) lowest = e;
        }
        assertEquals(epochs.get(lowest).epoch(), result.bestEpoch(), "best epoch of " + epochs);
        assertTrue(result.bestEpoch() > 1, "the setup should improve before it overfits: " + epochs);
        assertEquals(result.bestEpoch() + config.patience, epochs.size(), "stops after `patience` worse epochs");

        double bestLoss = epochs.get(lowest).validationLoss();
        double reevaluated = meanLoss(result.network(), noisy, result.validationRows(), config.build());
        assertEquals(bestLoss, reevaluated, 1e-6 * Math.abs(bestLoss), "the returned network is the best epoch's");
    }

    @Test
    void noValidationSplitGivesNaNValidationFigures() {
        Config config = new Config();
        config.validationFraction = 0;
        config.epochs = 3;
        TrainingResult result = config.train(ArrayExamples.threeBlobs(20, 7), 3);

        assertEquals(0, result.validationRows().length);
        assertEquals(60, result.trainingRows().length);
        assertEquals(3, result.bestEpoch());
        assertFalse(result.stoppedEarly());
        for (EpochStats stats : result.epochs()) {
            assertTrue(Double.isNaN(stats.validationLoss()), stats.toString());
            assertTrue(Double.isNaN(stats.validationMetric()), stats.toString());
            assertTrue(Double.isFinite(stats.trainLoss()), stats.toString());
        }
    }

    @Test
    void divergenceNamesTheLearningRate() {
        // Features in the thousands and a step of 1: every SGD step multiplies the error by about 10⁶.
        ArrayExamples plane = ArrayExamples.plane(64, 0, 3);
        float[] x = new float[64 * 2];
        float[] y = new float[64];
        for (int r = 0; r < 64; r++) {
            float[] row = plane.row(r);
            x[2 * r] = 1000 * row[0];
            x[2 * r + 1] = 1000 * row[1];
            y[r] = 1000 * plane.target(r);
        }
        Config config = new Config().regression();
        config.optimizer = OptimizerKind.SGD;
        config.learningRate = 1;
        config.epochs = 10;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.train(ArrayExamples.regression(x, 2, y), 1));
        assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
    }

    @Test
    void aListenerThatThrowsStopsTraining() {
        RuntimeException cancelled = new RuntimeException("statement cancelled");
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger epochs = new AtomicInteger();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int count, double batchLoss) {
                if (batches.incrementAndGet() == 3) throw cancelled;
            }

            @Override
            public void onEpoch(EpochStats stats) {
                epochs.incrementAndGet();
            }
        };
        Trainer trainer = new Trainer(new Config().build(), KERNELS);

        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> trainer.train(ArrayExamples.threeBlobs(100, 7), 3, listener));
        assertSame(cancelled, thrown);
        assertEquals(3, batches.get(), "no batch after the one whose listener threw");
        assertEquals(0, epochs.get(), "the first epoch never finished");
    }

    private static void assertLossFalls(List<EpochStats> epochs) {
        double first = epochs.getFirst().trainLoss();
        double last = epochs.getLast().trainLoss();
        assertTrue(last < first, "training loss went from " + first + " to " + last);
    }

    private static void assertIdentical(Network expected, Network actual, String what) {
        for (int l = 0; l < expected.layerCount(); l++) {
            assertTrue(Arrays.equals(expected.weights(l), actual.weights(l)), what + ": weights of layer " + l);
            assertTrue(Arrays.equals(expected.biases(l), actual.biases(l)), what + ": biases of layer " + l);
        }
    }

    private static double squaredNorm(Network network) {
        double sum = 0;
        for (int l = 0; l < network.layerCount(); l++) {
            for (float w : network.weights(l)) sum += (double) w * w;
        }
        return sum;
    }

    /** Mean loss of a network on some rows, batched as the trainer batches its validation. */
    private static double meanLoss(Network network, Examples examples, int[] rows, TrainerConfig config) {
        int batch = Math.min(config.batchSize(), examples.size() - rows.length);
        {
            MatMul matMul = Engine.compute(KERNELS, 1);
            Propagation pass = new Propagation(network, matMul, config.loss(), batch);
            int[] labels = new int[batch];
            double sum = 0;
            for (int from = 0; from < rows.length; from += batch) {
                int n = Math.min(batch, rows.length - from);
                examples.inputs(rows, from, n, pass.input(), -1);
                for (int r = 0; r < n; r++) labels[r] = examples.classIndex(rows[from + r]);
                pass.forward(n);
                sum += pass.loss(n, labels, null);
            }
            return sum / rows.length;
        }
    }
}

package dev.sqlnn.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlnn.data.Dataset;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.Trainer;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.options.OptionsException;
import dev.sqlnn.options.Search;
import dev.sqlnn.options.TrainingOptions;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a hyperparameter search ({@link Search}): reads the rows once, trains every trial on them,
 * scores each on held-out rows (the {@code validation_fraction} split, or the mean over the folds of
 * a cross-validation), and returns the best trial's model. Writes nothing; the caller stores the
 * result with its trials.
 *
 * <p>Results do not depend on scheduling: every trial trains from the same seed, a trial's figures
 * do not depend on its thread count (see {@link Trainer}), and trials are collected by number. The
 * best is the highest score, the lowest number among equals.
 *
 * <p>Small trials (a batch's products below {@link #SMALL_TRIAL_WORK} multiply-adds, where splitting
 * them across threads gains nothing) train several at once, one thread each, on the engine's shared
 * pool; larger ones one at a time on all {@code threads}.
 */
public final class HyperparameterSearch {

    static final long SMALL_TRIAL_WORK = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HyperparameterSearch() {
    }

    /**
     * How one trial did.
     *
     * @param valuesJson its searched options' values
     * @param score      accuracy, or R² for a regression, on its held-out rows; with cv the mean over folds
     * @param foldScores each fold's score, or null without cv
     */
    public record Trial(int number, String valuesJson, double score, double seconds, double[] foldScores) {
    }

    /** The search's outcome: the best trial's model (its options are the trial's), and every trial, by number. */
    public record Result(TrainedModel model, List<Trial> trials, int bestTrial) {
    }

    /**
     * Runs the search over the rows of {@code rows}.
     *
     * @param checks        hears every trial's batches (a cancel check); not its epochs
     * @param log           hears the epochs of the model that is kept: the best trial's, after the
     *                      search, or with cv those of its training on all the rows
     * @param anyThread     whether {@code checks} may be called from the pool's threads; if not (a
     *                      PostgreSQL backend's connection), trials run one at a time on this thread
     */
    public static Result run(ResultSet rows, Search search, TrainingListener checks, TrainingListener log,
                             boolean anyThread) throws SQLException {
        long startNanos = System.nanoTime();
        TrainingOptions shared = search.trials().get(0).options();
        Dataset dataset = ModelTrainer.read(rows, shared, null);
        int[][][] folds = search.crossValidated() ? folds(dataset.rows(), search.folds(), shared.seed()) : null;
        List<Search.Trial> trials = search.trials();
        Trial[] outcomes = new Trial[trials.size()];
        Best best = new Best();
        TrainingListener batches = onlyBatches(checks);

        List<Search.Trial> small = new ArrayList<>();
        List<Search.Trial> large = new ArrayList<>();
        int threads = shared.threads();
        for (Search.Trial t : trials) (isSmall(t.options(), dataset) && anyThread && threads > 1 ? small : large).add(t);
        if (!small.isEmpty()) {
            Stop stop = new Stop(batches);
            Engine.eachOnOneThread(small.size(), threads, i -> stop.run(() -> {
                Search.Trial t = small.get(i);
                outcomes[t.number() - 1] = trial(t, dataset, folds, 1, stop, best);
            }));
            stop.rethrow();
        }
        for (Search.Trial t : large) outcomes[t.number() - 1] = trial(t, dataset, folds, threads, batches, best);

        int winner = 0;
        for (int i = 1; i < outcomes.length; i++) {
            if (better(outcomes[i].score(), outcomes[winner].score())) winner = i;
        }
        TrainedModel model;
        if (folds == null) {
            model = best.model;
            for (EpochStats e : model.epochs()) log.onEpoch(e);
        } else {
            // The trials' models each saw a fold less: the winner's options train once more, as one training would.
            model = ModelTrainer.fit(dataset, trials.get(winner).options(), TrainingProgress.with(checks.andThen(log)),
                    null, null, threads, System.nanoTime());
        }
        return new Result(described(model, search, outcomes[winner], startNanos), List.of(outcomes), winner + 1);
    }

    /** Whether a trial's batch is too small to be worth more than one thread. */
    private static boolean isSmall(TrainingOptions options, Dataset dataset) {
        int outputs = dataset.task() == Task.CLASSIFICATION ? dataset.classes().size() : 1;
        int[] sizes = new int[options.hidden().size() + 2];
        sizes[0] = dataset.width();
        for (int l = 0; l < options.hidden().size(); l++) sizes[l + 1] = options.hidden().get(l);
        sizes[sizes.length - 1] = outputs;
        long batch = Math.min(options.batchSize(), dataset.rows());
        return batch * ModelTrainer.parameters(sizes) < SMALL_TRIAL_WORK;
    }

    private static Trial trial(Search.Trial trial, Dataset dataset, int[][][] folds, int threads,
                               TrainingListener listener, Best best) {
        long start = System.nanoTime();
        if (folds == null) {
            TrainedModel trained = ModelTrainer.fit(dataset, trial.options(), listener, null, null, threads, start);
            best.offer(trial.number(), trained);
            return new Trial(trial.number(), trial.valuesJson(), trained.score(), seconds(start), null);
        }
        double[] scores = new double[folds.length];
        for (int f = 0; f < folds.length; f++) {
            scores[f] = ModelTrainer.fit(dataset, trial.options(), listener, null, folds[f], threads, start).score();
        }
        return new Trial(trial.number(), trial.valuesJson(), Arrays.stream(scores).average().orElseThrow(),
                seconds(start), scores);
    }

    /**
     * k folds of rows 0..rows-1, seeded: fold f holds out the f-th k-th of a shuffle and trains on the
     * rest. {training rows, held-out rows} per fold.
     */
    static int[][][] folds(int rows, int k, long seed) {
        if (k > rows) {
            throw new OptionsException("option 'cv' " + k + " needs at least " + k + " rows, one per fold; the query"
                    + " gave " + rows + " (lower cv, or add rows)");
        }
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        Trainer.shuffle(order, new SplittableRandom(seed ^ 0xC2B2AE3D27D4EB4FL));
        int[][][] folds = new int[k][][];
        for (int f = 0; f < k; f++) {
            int from = (int) ((long) rows * f / k);
            int to = (int) ((long) rows * (f + 1) / k);
            int[] held = Arrays.copyOfRange(order, from, to);
            int[] training = new int[rows - held.length];
            System.arraycopy(order, 0, training, 0, from);
            System.arraycopy(order, to, training, from, rows - to);
            folds[f] = new int[][] {training, held};
        }
        return folds;
    }

    /** Whether {@code score} beats {@code than}: NaN (say R² of a constant label) beats nothing. */
    private static boolean better(double score, double than) {
        if (Double.isNaN(score)) return false;
        return Double.isNaN(than) || score > than;
    }

    /** The kept model, its metrics saying which search chose it, its seconds the whole search's. */
    private static TrainedModel described(TrainedModel model, Search search, Trial best, long startNanos) {
        ObjectNode metrics;
        try {
            metrics = (ObjectNode) JSON.readTree(model.metricsJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        metrics.put("search_method", search.method().optionName());
        metrics.put("search_trials", search.trials().size());
        metrics.put("best_trial", best.number());
        if (search.crossValidated()) {
            metrics.put("cv", search.folds());
            metrics.put("cv_score", best.score());
        }
        return new TrainedModel(model.model(), model.options(), metrics.toString(), model.score(), model.epochs(),
                model.trainRows(), seconds(startNanos));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static TrainingListener onlyBatches(TrainingListener checks) {
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double batchLoss) {
                checks.onBatch(epoch, batch, batches, batchLoss);
            }
        };
    }

    /** The best trial's model so far: kept by the same rule that picks the winner, so the order trials end in does not matter. */
    private static final class Best {
        private TrainedModel model;
        private int number;

        synchronized void offer(int trial, TrainedModel trained) {
            boolean wins = model == null || better(trained.score(), model.score())
                    || (!better(model.score(), trained.score()) && trial < number);
            if (wins) {
                model = trained;
                number = trial;
            }
        }
    }

    /**
     * Stops every trial under way once one fails (a cancel, say): each checks at its next batch. The
     * first failure is the one rethrown, not the stops it caused.
     */
    private static final class Stop implements TrainingListener {
        private final TrainingListener checks;
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private volatile boolean stopped;

        Stop(TrainingListener checks) {
            this.checks = checks;
        }

        @Override
        public void onBatch(int epoch, int batch, int batches, double batchLoss) {
            if (stopped) throw new Stopped();
            checks.onBatch(epoch, batch, batches, batchLoss);
        }

        void run(Runnable trial) {
            if (stopped) return;
            try {
                trial.run();
            } catch (Stopped e) {
                // another trial failed first
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                stopped = true;
            }
        }

        void rethrow() {
            RuntimeException e = failure.get();
            if (e != null) throw e;
        }
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped: another trial failed", null, false, false);
        }
    }
}

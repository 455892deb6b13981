package dev.sqlnn.store;

import dev.sqlnn.model.HyperparameterSearch;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;
import org.jooq.exception.DataAccessException;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One training of a model, from before its first epoch to its saved version, written so that other
 * connections can follow it while it runs. Listen to the training with it, {@link #save} the result,
 * and close it in any case.
 *
 * <p><b>Live</b>, when given a side connection (one to the same database that commits each statement
 * on its own, outside the caller's transaction): the start reserves the version with a
 * {@code SQLNN.TRAINING_RUNS} row, each epoch's {@code SQLNN.TRAINING_LOG} row is committed as the
 * epoch ends, and {@link #save} writes the model row in the caller's transaction, as before. Closing a
 * run that was not saved (the training failed or was cancelled) deletes its rows, through the side
 * connection; so does nothing else. Like a sequence, the log does not follow the caller's transaction:
 * when that rolls back the model row, the log stays, its run says {@link RunStatus#UNSAVED}, and the
 * version is not given again.
 *
 * <p><b>Not live</b>, without a side connection: the log is written with the model, at the end, in
 * the caller's transaction.
 *
 * <p>Whether a run is under way is known in this JVM: H2 runs every training of a database in the JVM
 * that holds the database open, embedded or serving. A run that says {@code running} but is not under
 * way here was cut short by a database that stopped; the next save under its name marks it
 * {@link RunStatus#ABANDONED}.
 */
public final class TrainingRun implements TrainingListener, AutoCloseable {

    /** The live runs under way in this JVM, of every database. */
    private static final Set<RunKey> UNDER_WAY = ConcurrentHashMap.newKeySet();
    /** SQLState of a duplicate key: the version's run row exists already. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_RESERVE_ATTEMPTS = 20;
    /** Choosing a version and claiming it in {@link #UNDER_WAY} is one step, so that two runs never share one. */
    private static final Object RESERVING = new Object();

    private record RunKey(Object database, String name, long version) {
    }

    private final ModelRegistry registry;
    private final String name;
    /** The side connection's store; null when not live. */
    private final ModelStore side;
    /** This run's entry in {@link #UNDER_WAY}; null when not live. */
    private final RunKey key;
    private boolean saved;

    private TrainingRun(ModelRegistry registry, String name, ModelStore side, RunKey key) {
        this.registry = registry;
        this.name = name;
        this.side = side;
        this.key = key;
    }

    static TrainingRun start(ModelRegistry registry, Object database, String name, Connection sideConnection) {
        if (sideConnection == null) return new TrainingRun(registry, name, null, null);
        ModelStore side = new ModelStore(sideConnection);
        // The caller's own view counts too: it sees the versions its open transaction has saved.
        long callerNext = registry.store().nextVersion(name);
        long after = 0;
        for (int attempt = 1; ; attempt++) {
            RunKey key = reserve(database, name, Math.max(callerNext, after + 1), side);
            try {
                side.insertRun(name, key.version(), RunStatus.RUNNING);
                return new TrainingRun(registry, name, side, key);
            } catch (DataAccessException e) {
                UNDER_WAY.remove(key);
                // A client in another JVM (PostgreSQL) reserved the same version a moment before: take the next.
                if (!UNIQUE_VIOLATION.equals(e.sqlState()) || attempt == MAX_RESERVE_ATTEMPTS) throw e;
                after = key.version();
            } catch (RuntimeException e) {
                UNDER_WAY.remove(key);
                throw e;
            }
        }
    }

    /** Chooses a version of at least {@code lowest} and claims it in this JVM. */
    private static RunKey reserve(Object database, String name, long lowest, ModelStore side) {
        synchronized (RESERVING) {
            long version = Math.max(lowest, side.nextVersion(name));
            for (long v : running(database, name)) version = Math.max(version, v + 1);
            RunKey key = new RunKey(database, name, version);
            UNDER_WAY.add(key); // before the row exists: a running row is never taken for an abandoned one
            return key;
        }
    }

    /** The versions of {@code name} whose live runs are under way in this JVM. */
    static Set<Long> running(Object database, String name) {
        return UNDER_WAY.stream()
                .filter(k -> k.database().equals(database) && k.name().equals(name))
                .map(RunKey::version)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void onEpoch(EpochStats stats) {
        if (side != null) side.insertTrainingLog(name, key.version(), List.of(logEntry(stats)));
    }

    /**
     * Saves the trained model in the caller's transaction (and deploys it as its options say); returns
     * its version.
     */
    public long save(TrainedModel trained) {
        return save(trained, List.of());
    }

    /**
     * Saves the best model of a hyperparameter search as {@link #save(TrainedModel)} does, with every
     * trial, in the caller's transaction; returns its version.
     */
    public long save(HyperparameterSearch.Result search) {
        List<TrialRow> trials = new ArrayList<>(search.trials().size());
        for (HyperparameterSearch.Trial t : search.trials()) {
            trials.add(new TrialRow(t.number(), t.valuesJson(), t.score(), t.seconds(),
                    t.foldScores() == null ? null : java.util.Arrays.toString(t.foldScores()),
                    t.number() == search.bestTrial()));
        }
        return save(search.model(), trials);
    }

    private long save(TrainedModel trained, List<TrialRow> trials) {
        if (saved) throw new IllegalStateException("this training of " + name + " is saved already");
        long version;
        if (side == null) {
            version = registry.save(name, trained, trials);
        } else {
            // Committed at once: if the caller's transaction rolls back, the run says so.
            side.setRunStatus(name, key.version(), RunStatus.UNSAVED);
            version = registry.saveVersion(name, key.version(), trained, true, trials);
        }
        saved = true;
        return version;
    }

    /** Ends the run; one that was not saved takes its rows with it. */
    @Override
    public void close() {
        if (key == null) return;
        try {
            if (!saved) side.deleteRun(name, key.version());
        } finally {
            UNDER_WAY.remove(key);
        }
    }

    static List<LogEntry> logEntries(List<EpochStats> epochs) {
        List<LogEntry> entries = new ArrayList<>(epochs.size());
        for (EpochStats e : epochs) entries.add(logEntry(e));
        return entries;
    }

    private static LogEntry logEntry(EpochStats e) {
        return new LogEntry(e.epoch(), e.trainLoss(), nullIfNaN(e.validationLoss()), nullIfNaN(e.validationMetric()),
                e.learningRate(), e.seconds(), e.rowsPerSecond());
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}

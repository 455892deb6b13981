package dev.sqlnn.model;

import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets code in the same JVM as the database watch every training as it runs, e.g. the demo and
 * the command line, which start {@code ML_TRAIN} through SQL and print progress while it works.
 */
public final class TrainingProgress {

    private static final List<TrainingListener> LISTENERS = new CopyOnWriteArrayList<>();

    private TrainingProgress() {
    }

    /** Adds a listener; remove it with {@link #remove} when done. */
    public static void add(TrainingListener listener) {
        LISTENERS.add(listener);
    }

    public static void remove(TrainingListener listener) {
        LISTENERS.remove(listener);
    }

    /** The given listener followed by every registered one. */
    static TrainingListener with(TrainingListener first) {
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double batchLoss) {
                first.onBatch(epoch, batch, batches, batchLoss);
                for (TrainingListener l : LISTENERS) l.onBatch(epoch, batch, batches, batchLoss);
            }

            @Override
            public void onEpoch(EpochStats stats) {
                first.onEpoch(stats);
                for (TrainingListener l : LISTENERS) l.onEpoch(stats);
            }
        };
    }
}

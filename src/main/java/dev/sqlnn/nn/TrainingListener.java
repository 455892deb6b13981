package dev.sqlnn.nn;

/**
 * Hears about a training as it runs. Any exception it throws stops the training at once and
 * propagates from {@link Trainer#train}: that is how a cancelled SQL statement stops {@code ML_TRAIN}.
 */
public interface TrainingListener {

    /** Called after every mini-batch; keep it cheap. */
    default void onBatch(int epoch, int batch, int batches, double batchLoss) {
    }

    /** Called after every epoch, validation included. */
    default void onEpoch(EpochStats stats) {
    }

    /** This listener, then {@code next}; an exception from this one stops the call before {@code next}. */
    default TrainingListener andThen(TrainingListener next) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double batchLoss) {
                first.onBatch(epoch, batch, batches, batchLoss);
                next.onBatch(epoch, batch, batches, batchLoss);
            }

            @Override
            public void onEpoch(EpochStats stats) {
                first.onEpoch(stats);
                next.onEpoch(stats);
            }
        };
    }

    TrainingListener NONE = new TrainingListener() {
    };
}

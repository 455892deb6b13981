package dev.sqlnn.nn;

import java.util.List;

/**
 * What a training produced.
 *
 * @param network        the trained network: the best epoch's parameters when early stopping was on
 * @param epochs         one entry per epoch run
 * @param bestEpoch      1-based epoch whose parameters {@code network} holds
 * @param trainingRows   row indices (into the examples) used for training
 * @param validationRows row indices held out for validation (empty when the split is off)
 * @param stoppedEarly   whether early stopping ended the training before the last epoch
 */
public record TrainingResult(Network network, List<EpochStats> epochs, int bestEpoch,
                             int[] trainingRows, int[] validationRows, boolean stoppedEarly) {
}

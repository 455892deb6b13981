package dev.sqlnn.store;

/**
 * One trial of a hyperparameter search, as {@code SQLNN.TRIALS} holds it.
 *
 * @param trial          its number, from 1
 * @param optionsJson    the searched options' values of this trial
 * @param score          accuracy, or R² for a regression, on held-out rows (with cv, the folds' mean); NaN when none
 * @param seconds        wall time of the trial
 * @param foldScoresJson each fold's score as a JSON array, or null without cv
 * @param best           whether it is the trial whose model the version is
 */
public record TrialRow(int trial, String optionsJson, double score, double seconds, String foldScoresJson,
                       boolean best) {
}

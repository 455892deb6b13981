package dev.sqlnn.options;

import java.util.List;
import java.util.Locale;

/**
 * A hyperparameter search, resolved: the trials it runs, in order, each with its own options, all
 * checked up front, and how each is scored. Built from {@code ML_TRAIN}'s options by
 * {@link TrainingRequest#parse}; the same options (seed included) always give the same trials.
 *
 * @param method grid (every combination of the candidates) or random (samples)
 * @param trials the trials, numbered from 1
 * @param folds  k of k-fold cross-validation, or 0: each trial is scored on the held-out rows of its
 *               {@code validation_fraction}
 */
public record Search(Method method, List<Trial> trials, int folds) implements java.io.Serializable {

    /** The most trials a search runs: a grid with more combinations is refused, so are more random samples. */
    public static final int MAX_TRIALS = 100;
    public static final int MAX_FOLDS = 20;
    /** The trials of a random search without {@code trials}. */
    public static final int DEFAULT_TRIALS = 10;

    public enum Method {
        GRID, RANDOM;

        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One trial.
     *
     * @param number     from 1, in the search's order
     * @param valuesJson the searched options' values of this trial, as a JSON object in the order of {@code search}
     * @param options    the whole options of this trial: the others' with these values
     */
    public record Trial(int number, String valuesJson, TrainingOptions options) implements java.io.Serializable {
    }

    public Search {
        trials = List.copyOf(trials);
        if (trials.isEmpty()) throw new IllegalArgumentException("a search has at least one trial");
    }

    public boolean crossValidated() {
        return folds > 0;
    }
}

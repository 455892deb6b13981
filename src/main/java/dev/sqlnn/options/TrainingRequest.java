package dev.sqlnn.options;

/**
 * What {@code ML_TRAIN}'s options ask for: one training, or a hyperparameter search of several.
 *
 * @param options the training's options; in a search, the first trial's, whose reading of the rows
 *                (label, task, NULLs and categories), seed, threads and deployment every trial shares
 * @param search  the search, or null for one training
 */
public record TrainingRequest(TrainingOptions options, Search search) {

    /**
     * Parses the options JSON of {@code ML_TRAIN}, a search's keys included. Null, empty or blank text
     * gives the defaults.
     *
     * @throws OptionsException naming the key, what was expected and what was given
     */
    public static TrainingRequest parse(String json) {
        return OptionsJson.readRequest(json);
    }
}

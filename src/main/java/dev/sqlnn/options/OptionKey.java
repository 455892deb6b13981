package dev.sqlnn.options;

import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The keys of the {@code ML_TRAIN} options JSON, in their canonical order, each with what a valid
 * value looks like. Keeping the description beside the key makes the type errors of the parser and
 * the range errors of {@link TrainingOptions}' constructor read the same.
 */
enum OptionKey {
    LABEL("label", "a column name (a non-empty string), or null for the last column"),
    TASK("task", "one of classification, regression, or null to infer it from the label"),
    HIDDEN("hidden", "an array of at most " + TrainingOptions.MAX_HIDDEN_LAYERS
            + " layer widths, each an integer from 1 to " + TrainingOptions.MAX_HIDDEN_WIDTH + ", e.g. [128, 64]"),
    ACTIVATION("activation", "one of " + dev.sqlnn.nn.Activation.hiddenNames()),
    WEIGHT_INIT("weight_init", "one of he, glorot, or null to choose by the features (glorot for plain columns, he for an ARRAY or VARBINARY)"),
    LOSS("loss", "one of cross_entropy, mse, or null to choose by task"),
    OPTIMIZER("optimizer", "one of sgd, momentum, nesterov, adam"),
    LEARNING_RATE("learning_rate", "a positive number"),
    MOMENTUM("momentum", "a number in [0, 1)"),
    BETA1("beta1", "a number in [0, 1)"),
    BETA2("beta2", "a number in [0, 1)"),
    EPSILON("epsilon", "a positive number"),
    BATCH_SIZE("batch_size", "a positive integer (at most " + TrainingOptions.MAX_BATCH_SIZE + ")"),
    EPOCHS("epochs", "a positive integer (at most " + TrainingOptions.MAX_EPOCHS
            + "), or null to stop early by the held-out rows within a budget"),
    VALIDATION_FRACTION("validation_fraction", "a number in [0, 1)"),
    EARLY_STOPPING("early_stopping", "a non-negative integer (patience in epochs; 0 turns it off)"),
    L2("l2", "a non-negative number"),
    L1("l1", "a non-negative number"),
    DROPOUT("dropout", "a rate in [0, 1) for every hidden layer, or an array of one rate per hidden layer,"
            + " e.g. 0.2 or [0.2, 0.1], or null for none"),
    GRADIENT_CLIP("gradient_clip", "a positive number (the largest L2 norm of a step's gradient), or null for none"),
    LR_SCHEDULE("lr_schedule", "one of step, exponential, cosine, reduce_on_plateau, constant, or an object such as"
            + " {\"type\": \"step\", \"every\": 10, \"factor\": 0.5}, or null for a constant rate"),
    WARMUP_EPOCHS("warmup_epochs", "a non-negative integer (epochs of linear warm-up), less than epochs"),
    SCALE("scale", "one of auto, standard, minmax, none"),
    IMPUTE("impute", "one of mean, median, zero, error (what a NULL number becomes)"),
    MAX_CATEGORIES("max_categories", "an integer from 1 to " + dev.sqlnn.data.EncodingOptions.MAX_CATEGORIES),
    COLUMNS("columns", "an object of per-column settings, e.g. {\"zip\": {\"encode\": \"one_hot\"},"
            + " \"age\": {\"impute\": \"median\"}}"),
    CLASS_WEIGHT("class_weight", "\"balanced\", an object of positive weights by class such as"
            + " {\"yes\": 5, \"no\": 1}, or null for equal weights"),
    AUGMENT("augment", "an object such as {\"shift\": 2, \"rotate\": 10}, or null for none"),
    IMAGE_SHAPE("image_shape", "an array of two integers [rows, columns], each from 1 to "
            + TrainingOptions.MAX_IMAGE_SIDE + ", or null for square images"),
    WARM_START("warm_start", "true to continue from the model's deployed version, or false (the default)"),
    INIT_VERSION("init_version", "a positive integer, the version to continue from (a warm start), or null"),
    SEED("seed", "an integer (64-bit)"),
    THREADS("threads", "a positive integer (at most " + TrainingOptions.MAX_THREADS + ")"),
    DEPLOY("deploy", "one of best, always, never"),
    SEARCH("search", "a non-empty object of the options to search, each with a non-empty list of candidates or a"
            + " distribution {\"uniform\": [min, max]}, {\"log_uniform\": [min, max]} or {\"int_uniform\": [min, max]},"
            + " e.g. {\"hidden\": [[64], [128, 64]], \"learning_rate\": {\"log_uniform\": [1e-4, 1e-2]}}"),
    SEARCH_METHOD("search_method", "one of grid, random"),
    TRIALS("trials", "an integer from 1 to " + Search.MAX_TRIALS + " (the random search's samples)"),
    CV("cv", "an integer from 2 to " + Search.MAX_FOLDS + " (the folds of a cross-validated search), or null for"
            + " one held-out split");

    /** The keys of a hyperparameter search: {@code ML_TRAIN}'s, not a single training's (see {@link Search}). */
    static final java.util.Set<OptionKey> SEARCH_KEYS = java.util.EnumSet.of(SEARCH, SEARCH_METHOD, TRIALS, CV);

    /** Longer values are cut in messages: an error must stay readable in a SQL console. */
    private static final int MAX_SHOWN = 100;

    /** The spelling in the JSON. */
    final String key;
    /** What a valid value looks like, to follow "must be". */
    final String expected;

    OptionKey(String key, String expected) {
        this.key = key;
        this.expected = expected;
    }

    static OptionKey byKey(String key) {
        for (OptionKey k : values()) {
            if (k.key.equals(key)) return k;
        }
        return null;
    }

    static String validKeys() {
        return Arrays.stream(values()).map(k -> k.key).collect(Collectors.joining(", "));
    }

    /** The error for a value of this option; {@code given} is a JSON node, a Java value, or already text. */
    OptionsException invalid(Object given) {
        return invalid(key, expected, given);
    }

    /** The same, when what was given is best described in words (e.g. "33 widths") than shown. */
    OptionsException invalidDescribed(String description) {
        return new OptionsException("option '" + key + "' must be " + expected + "; got " + cut(description));
    }

    static OptionsException invalid(String key, String expected, Object given) {
        return new OptionsException("option '" + key + "' must be " + expected + "; got " + show(given));
    }

    /** Strings are quoted as in JSON, so that {@code "5"} and {@code 5} are told apart. */
    static String show(Object given) {
        return cut(given instanceof String s ? TextNode.valueOf(s).toString() : String.valueOf(given));
    }

    static String cut(String text) {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }
}

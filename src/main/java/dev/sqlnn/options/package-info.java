/**
 * The options JSON of {@code ML_TRAIN}: parsed once into {@link dev.sqlnn.options.TrainingOptions},
 * with every rule checked there (each key's range, the combinations that cannot train, the loss a
 * task allows), and written back as canonical JSON for {@code SQLNN.MODELS.OPTIONS}. Its values are
 * the engine's and the data's own enums.
 */
package dev.sqlnn.options;

package dev.sqlnn.model;

/**
 * The saved version a warm start continues ({@code warm_start}, {@code init_version}): its network is
 * the first one, its preprocessing, text columns' categories, classes and target scaling are kept,
 * and the new training's epochs are numbered after its {@code epochs}.
 *
 * @param model  the version continued
 * @param epochs the last epoch number in its training log (0 when it has none, e.g. a copied version)
 */
public record StartingModel(Model model, int epochs) {
}

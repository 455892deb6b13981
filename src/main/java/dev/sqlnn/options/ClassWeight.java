package dev.sqlnn.options;

import java.util.List;
import java.util.Map;

/**
 * The {@code class_weight} option: how much each class's rows count in the loss. {@code balanced}
 * weighs class {@code c} by {@code rows / (classes × rows of c)}, as scikit-learn does, so that
 * every class counts as much in total; an explicit map names the classes by their label's text,
 * and classes it leaves out weigh 1.
 *
 * @param weights null when balanced
 */
public record ClassWeight(boolean balanced, Map<String, Double> weights) implements java.io.Serializable {

    public ClassWeight {
        if (balanced == (weights != null)) throw new IllegalArgumentException("either balanced or explicit weights");
        if (weights != null) {
            weights = Map.copyOf(weights);
            for (Map.Entry<String, Double> e : weights.entrySet()) {
                double w = e.getValue();
                if (!(w > 0 && Double.isFinite(w))) {
                    throw OptionKey.CLASS_WEIGHT.invalidDescribed("weight " + w + " for class " + e.getKey());
                }
            }
        }
    }

    public static ClassWeight balancedWeights() {
        return new ClassWeight(true, null);
    }

    /**
     * The weight of each class, in the order of {@code classes}, given how many training rows each has.
     *
     * @throws OptionsException when the map names a class the labels do not have
     */
    public float[] resolve(List<String> classes, int[] rowsPerClass) {
        float[] resolved = new float[classes.size()];
        if (balanced) {
            long rows = 0;
            for (int n : rowsPerClass) rows += n;
            for (int c = 0; c < resolved.length; c++) {
                resolved[c] = rowsPerClass[c] == 0 ? 1f : (float) ((double) rows / ((double) classes.size() * rowsPerClass[c]));
            }
            return resolved;
        }
        for (String name : weights.keySet()) {
            if (!classes.contains(name)) {
                throw new OptionsException("option 'class_weight' names class " + OptionKey.show(name)
                        + ", which the label column does not have; its classes are " + OptionKey.cut(String.join(", ", classes)));
            }
        }
        for (int c = 0; c < resolved.length; c++) resolved[c] = weights.getOrDefault(classes.get(c), 1.0).floatValue();
        return resolved;
    }
}

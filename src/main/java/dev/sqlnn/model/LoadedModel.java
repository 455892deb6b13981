package dev.sqlnn.model;

import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Predictor;
import dev.sqlnn.simd.KernelProvider;

/**
 * A stored model version decoded once and kept ready for scoring: the model, its predictor (with
 * per-thread scratch) and, for integer classifiers, the classes as ints, so that {@code PREDICT}
 * parses nothing per row.
 */
public final class LoadedModel {

    private final String name;
    private final long version;
    private final Model model;
    private final Predictor predictor;
    private final int[] integerClasses;

    LoadedModel(String name, long version, Model model) {
        this.name = name;
        this.version = version;
        this.model = model;
        this.predictor = new Predictor(model.network(), KernelProvider.kernels());
        this.integerClasses = integerClasses(model);
    }

    private static int[] integerClasses(Model model) {
        if (model.task() != Task.CLASSIFICATION || model.labelKind() != LabelKind.INTEGER) return null;
        int[] classes = new int[model.classes().size()];
        for (int i = 0; i < classes.length; i++) {
            try {
                classes[i] = Integer.parseInt(model.classes().get(i));
            } catch (NumberFormatException e) {
                return null; // a BIGINT class beyond INTEGER: only PREDICT_LABEL can return it
            }
        }
        return classes;
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    public Model model() {
        return model;
    }

    public Predictor predictor() {
        return predictor;
    }

    /** The classes as ints, index by output unit; null unless every class is an INTEGER. */
    public int[] integerClasses() {
        return integerClasses;
    }

    /** {@code name} version {@code v}, for messages. */
    public String describe() {
        return name + " (version " + version + ")";
    }
}

package dev.sqlnn.model;

import java.util.List;

/** Models that tests of other packages build from others, through the package-private constructor. */
public final class ModelAccess {

    private ModelAccess() {
    }

    /** {@code model} with other feature names (plain columns, no encoding): one per input. */
    public static Model withFeatureNames(Model model, List<String> names) {
        return new Model(model.task(), model.labelKind(), model.classes(), names, model.encoding(), model.preprocessing(),
                model.network(), model.targetShift(), model.targetScale());
    }
}

package dev.sqlnn.model;

import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Task;
import dev.sqlnn.nn.Network;

import java.util.List;

/**
 * The one way to make a {@link Model} from parameters trained elsewhere (an ONNX file, see
 * {@code dev.sqlnn.model.onnx.OnnxImporter}): {@link Model}'s constructors stay package-private so
 * that every other model comes from its trainer or its codec. The model gets the checks any model
 * gets (shapes, classes against outputs); an importer checks its own format before it calls this.
 */
public final class ImportedModels {

    private ImportedModels() {
    }

    /**
     * A classifier whose output unit {@code i} is {@code classes.get(i)}; its labels are INTEGERs when
     * every class is a decimal integer, else text.
     *
     * @param featureName the name of the one ARRAY or VARBINARY column its features come in, which
     *                    {@code ML_PREDICT} prefers when a query has several
     * @throws IllegalArgumentException when the parts do not fit together
     */
    public static Model classifier(List<String> classes, String featureName, Preprocessing preprocessing,
                                   Network network) {
        LabelKind kind = classes.stream().allMatch(ImportedModels::isInteger) ? LabelKind.INTEGER : LabelKind.TEXT;
        return classifier(classes, kind, featureName, preprocessing, network);
    }

    /**
     * A classifier whose labels are of the kind the source says (an ONNX graph's INT64 or STRING class
     * labels), so that text labels that happen to be digits stay text.
     *
     * @throws IllegalArgumentException when the parts do not fit together, or INTEGER labels are not integers
     */
    public static Model classifier(List<String> classes, LabelKind labelKind, String featureName,
                                   Preprocessing preprocessing, Network network) {
        if (labelKind == LabelKind.INTEGER && !classes.stream().allMatch(ImportedModels::isInteger)) {
            throw new IllegalArgumentException("integer labels must be decimal integers; got " + classes);
        }
        return new Model(Task.CLASSIFICATION, labelKind, classes, List.of(featureName), preprocessing, network, 0, 1);
    }

    /** A regression of one output, predicted as it comes out of the network (no target scaling). */
    public static Model regression(String featureName, Preprocessing preprocessing, Network network) {
        return regression(featureName, preprocessing, network, 0, 1);
    }

    /** A regression whose value is {@code output * targetScale + targetShift}, in double, as a trained one's is. */
    public static Model regression(String featureName, Preprocessing preprocessing, Network network,
                                   double targetShift, double targetScale) {
        return new Model(Task.REGRESSION, LabelKind.FLOAT, List.of(), List.of(featureName), preprocessing, network,
                targetShift, targetScale);
    }

    private static boolean isInteger(String text) {
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

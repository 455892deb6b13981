package dev.sqlnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The training rows of one part of a table (a Spark partition), read by the same rules as a whole
 * table but not yet a {@link Dataset}: a part may be empty or hold one class, and its class indices
 * point into its own classes until {@link #toDataset} maps them onto the table's.
 *
 * @param width        features per row; 0 when the part has no rows
 * @param classes      this part's classes, in {@link Dataset}'s order (empty for a regression)
 * @param classIndices per row, an index into {@code classes}; null for a regression
 * @param targets      per row, the target; null for a classifier
 */
public record DatasetPart(FeatureKind kind, int width, int rows, byte[] bytes, float[] numbers,
                          List<String> featureNames, LabelKind labelKind, Task task, List<String> classes,
                          int[] classIndices, float[] targets) implements Serializable {

    /**
     * The classes of all parts in {@link Dataset}'s order: integer classes in ascending numeric order,
     * text classes in {@link String} order.
     */
    public static List<String> allClasses(LabelKind kind, List<List<String>> perPart) {
        List<String> all = new ArrayList<>(perPart.stream().flatMap(List::stream).distinct().toList());
        all.sort(kind == LabelKind.INTEGER ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder());
        if (all.size() > Dataset.MAX_CLASSES) {
            throw new DataException("the label has " + all.size() + " distinct values; a classifier takes at most "
                    + Dataset.MAX_CLASSES + ": set \"task\":\"regression\" or group the labels");
        }
        if (all.size() < 2 && !all.isEmpty()) {
            throw new DataException("a classifier needs at least two classes, but every row has label '" + all.get(0)
                    + "'; check the rows' filter" + (kind == LabelKind.TEXT ? "" : ", or set \"task\":\"regression\""));
        }
        return List.copyOf(all);
    }

    /** This part as a dataset whose class indices point into {@code allClasses} (which holds this part's). */
    public Dataset toDataset(List<String> allClasses) {
        if (rows == 0) throw new IllegalStateException("an empty part is not a dataset");
        if (task == Task.REGRESSION) {
            return kind == FeatureKind.BYTES ? Dataset.regression(bytes, width, featureNames, targets)
                    : Dataset.regression(numbers, width, featureNames, targets);
        }
        int[] global = new int[classes.size()];
        for (int c = 0; c < global.length; c++) {
            global[c] = allClasses.indexOf(classes.get(c));
            if (global[c] < 0) throw new IllegalArgumentException("class " + classes.get(c) + " is not among " + allClasses);
        }
        int[] indices = Arrays.copyOf(classIndices, rows);
        for (int r = 0; r < rows; r++) indices[r] = global[indices[r]];
        return kind == FeatureKind.BYTES
                ? Dataset.classification(bytes, width, featureNames, labelKind, allClasses, indices)
                : Dataset.classification(numbers, width, featureNames, labelKind, allClasses, indices);
    }
}

package dev.sqlnn.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a row of plain feature columns becomes the network's input: a number column is one input (a
 * NULL becomes its imputed value), a category column one input per category it keeps, plus one
 * for every other value (rare, or unseen in training) and one for NULL: one-hot. Fitted on the
 * training rows ({@link EncodingFitter}), stored with the model, and applied the same way to every
 * row a model scores. Scaling ({@link Preprocessing}) comes after it and leaves category inputs as
 * they are.
 */
public final class FeatureEncoding implements java.io.Serializable {

    /** What a column is to the network. */
    public enum Kind { NUMBER, CATEGORY }

    /**
     * One feature column.
     *
     * @param fill       a NUMBER's stand-in for NULL (NaN when {@code impute} is ERROR)
     * @param categories a CATEGORY's kept values, most frequent first; empty for a NUMBER
     */
    public record Column(String name, Kind kind, Imputation impute, float fill, List<String> categories)
            implements java.io.Serializable {

        public Column {
            categories = List.copyOf(categories);
            if (kind == Kind.NUMBER && !categories.isEmpty()) throw new IllegalArgumentException("a number has no categories");
            if (kind == Kind.NUMBER && !impute.forNumbers()) throw new IllegalArgumentException("a number cannot impute " + impute);
            if (kind == Kind.CATEGORY && !impute.forCategories()) throw new IllegalArgumentException("a category cannot impute " + impute);
            if (kind == Kind.NUMBER && impute != Imputation.ERROR && !Float.isFinite(fill)) {
                throw new IllegalArgumentException("an imputed number needs a finite fill; got " + fill);
            }
        }

        public static Column number(String name, Imputation impute, float fill) {
            return new Column(name, Kind.NUMBER, impute, impute == Imputation.ERROR ? Float.NaN : fill, List.of());
        }

        public static Column category(String name, Imputation impute, List<String> categories) {
            return new Column(name, Kind.CATEGORY, impute, Float.NaN, categories);
        }

        /** Inputs this column takes: 1 for a number; for a category, its categories, "other" and "missing". */
        public int width() {
            return kind == Kind.NUMBER ? 1 : categories.size() + 2;
        }
    }

    private final List<Column> columns;
    private final int[] offsets; // the first input of each column
    private final int width;
    private final List<Map<String, Integer>> slots; // per CATEGORY column: value -> index among its categories

    public FeatureEncoding(List<Column> columns) {
        if (columns.isEmpty()) throw new IllegalArgumentException("an encoding needs at least one column");
        this.columns = List.copyOf(columns);
        this.offsets = new int[columns.size()];
        this.slots = new ArrayList<>(columns.size());
        long total = 0;
        for (int i = 0; i < columns.size(); i++) {
            offsets[i] = (int) total;
            Column c = columns.get(i);
            total += c.width();
            Map<String, Integer> slot = new HashMap<>();
            for (int k = 0; k < c.categories().size(); k++) {
                if (slot.put(c.categories().get(k), k) != null) {
                    throw new IllegalArgumentException("column " + c.name() + " lists category " + c.categories().get(k) + " twice");
                }
            }
            slots.add(slot);
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("an encoding of " + total + " inputs is too wide");
        this.width = (int) total;
    }

    public List<Column> columns() {
        return columns;
    }

    public Column column(int i) {
        return columns.get(i);
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** The network's input width. */
    public int width() {
        return width;
    }

    public boolean hasCategories() {
        return columns.stream().anyMatch(c -> c.kind() == Kind.CATEGORY);
    }

    /** The first input of column {@code i}. */
    public int offset(int i) {
        return offsets[i];
    }

    /**
     * Writes number column {@code i}'s input: {@code value}, or its fill when {@code value} is NaN
     * (NULL). Returns false, writing nothing, for a NULL it does not impute.
     */
    public boolean encodeNumber(int i, float value, float[] out, int offset) {
        if (Float.isNaN(value)) {
            Column c = columns.get(i);
            if (c.impute() == Imputation.ERROR) return false;
            value = c.fill();
        }
        out[offset + offsets[i]] = value;
        return true;
    }

    /**
     * Writes category column {@code i}'s one-hot inputs for {@code value} (null for NULL): its own
     * slot, "other" for a value it does not keep, "missing" for NULL. Returns false, writing nothing,
     * for a NULL it does not take.
     */
    public boolean encodeCategory(int i, String value, float[] out, int offset) {
        Column c = columns.get(i);
        int kept = c.categories().size();
        int slot;
        if (value == null) {
            if (c.impute() == Imputation.ERROR) return false;
            slot = kept + 1;
        } else {
            slot = slot(i, value);
        }
        int from = offset + offsets[i];
        java.util.Arrays.fill(out, from, from + kept + 2, 0f);
        out[from + slot] = 1f;
        return true;
    }

    /** The input, among category column {@code i}'s, of a value that is not NULL: its own, or "other". */
    public int slot(int i, String value) {
        Integer own = slots.get(i).get(value);
        return own != null ? own : columns.get(i).categories().size();
    }

    /**
     * {@code fitted} with every category input left as it is (shift 0, factor 1): one-hot inputs are
     * already on the scale the network likes, and scaling them by their frequency would make rare
     * categories loud.
     */
    public Preprocessing leaveCategoriesUnscaled(Preprocessing fitted) {
        if (!hasCategories()) return fitted;
        float[] shift = fitted.shift().clone();
        float[] factor = fitted.factor().clone();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).kind() != Kind.CATEGORY) continue;
            for (int k = offsets[i]; k < offsets[i] + columns.get(i).width(); k++) {
                shift[k] = 0f;
                factor[k] = 1f;
            }
        }
        return new Preprocessing(fitted.kind(), fitted.scaling(), shift, factor);
    }
}

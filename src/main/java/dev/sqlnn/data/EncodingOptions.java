package dev.sqlnn.data;

import java.util.Locale;
import java.util.Map;

/**
 * How plain feature columns become the network's inputs, as the options ask: {@code impute} for
 * NULL numbers, {@code max_categories} for text columns, and per-column overrides ({@code columns}).
 * A category column's NULLs always get their own slot unless its override says {@code error}; the
 * global {@code impute} speaks of numbers, and its {@code error} of categories too.
 *
 * @param columns overrides by column name (exact, else ignoring case), in the order given
 */
public record EncodingOptions(Imputation impute, int maxCategories, Map<String, Column> columns)
        implements java.io.Serializable {

    public static final int DEFAULT_MAX_CATEGORIES = 1000;
    /** The network's input grows by one unit per category: beyond this a column is an identifier, not a category. */
    public static final int MAX_CATEGORIES = 10_000;

    /**
     * One column's override; each null field follows the global setting.
     *
     * @param oneHot true to one-hot encode a numeric column's values as categories, false to read a
     *               column as a number; null to decide by its type
     */
    public record Column(Boolean oneHot, Imputation impute, Integer maxCategories) implements java.io.Serializable {
    }

    public EncodingOptions {
        if (impute == null || impute == Imputation.MISSING) {
            throw new IllegalArgumentException("impute must be mean, median, zero or error");
        }
        if (maxCategories < 1 || maxCategories > MAX_CATEGORIES) {
            throw new IllegalArgumentException("max_categories must be from 1 to " + MAX_CATEGORIES);
        }
        columns = Map.copyOf(columns);
    }

    public static EncodingOptions defaults() {
        return new EncodingOptions(Imputation.MEAN, DEFAULT_MAX_CATEGORIES, Map.of());
    }

    /** The override for column {@code name}: named exactly, else ignoring case; an empty one when none. */
    public Column column(String name) {
        Column exact = columns.get(name);
        if (exact != null) return exact;
        for (Map.Entry<String, Column> e : columns.entrySet()) {
            if (e.getKey().toUpperCase(Locale.ROOT).equals(name.toUpperCase(Locale.ROOT))) return e.getValue();
        }
        return new Column(null, null, null);
    }

    /** What a NULL in a number column named {@code name} becomes. */
    public Imputation numberImputation(String name) {
        Imputation own = column(name).impute();
        return own != null ? own : impute;
    }

    /** What a NULL in a category column named {@code name} becomes: {@link Imputation#MISSING} or {@link Imputation#ERROR}. */
    public Imputation categoryImputation(String name) {
        Imputation own = column(name).impute();
        if (own != null) return own;
        return impute == Imputation.ERROR ? Imputation.ERROR : Imputation.MISSING;
    }

    public int maxCategories(String name) {
        Integer own = column(name).maxCategories();
        return own != null ? own : maxCategories;
    }
}

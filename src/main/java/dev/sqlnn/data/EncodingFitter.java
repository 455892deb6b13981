package dev.sqlnn.data;

import dev.sqlnn.data.FeatureEncoding.Column;
import dev.sqlnn.data.FeatureEncoding.Kind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Fits a {@link FeatureEncoding} to the training rows as {@link FeatureCollector} read them, and
 * encodes those rows with it. Raw rows hold one float per column: a number, or a category's code
 * (its index among the column's distinct values in order of first appearance); NaN is NULL.
 *
 * <p>Each category column keeps its {@code max_categories} most frequent values (ties by value,
 * so that the same rows give the same model); the others share the "other" input. A column whose
 * values are mostly unique (more than {@code max_categories} values, and the rarer ones more than
 * half of its rows) is refused: one-hot encoding cannot learn from an identifier or free text.
 */
final class EncodingFitter {

    /** The encoding and the rows encoded with it (row-major, {@code encoding.width()} per row). */
    record Encoded(FeatureEncoding encoding, float[] rows) {
    }

    /** What the collector learnt of one column while reading. */
    record RawColumn(String name, Kind kind, String typeName, List<String> values, int[] counts) {
    }

    private EncodingFitter() {
    }

    static Encoded fit(List<RawColumn> columns, float[] raw, int rows, EncodingOptions options, HeapBudget budget) {
        int width = columns.size();
        List<Column> fitted = new ArrayList<>(width);
        boolean anyNull = false;
        for (int c = 0; c < width; c++) {
            RawColumn column = columns.get(c);
            int nulls = 0;
            int firstNull = -1;
            for (int r = 0; r < rows; r++) {
                if (Float.isNaN(raw[r * width + c])) {
                    if (nulls++ == 0) firstNull = r;
                }
            }
            anyNull |= nulls > 0;
            if (nulls == rows) {
                throw new DataException("feature column " + column.name() + " is NULL in every row, so there is nothing"
                        + " to learn from it: leave it out of the query");
            }
            if (column.kind() == Kind.NUMBER) {
                fitted.add(number(column, raw, rows, width, c, nulls, firstNull, options));
            } else {
                fitted.add(category(column, rows - nulls, nulls, firstNull, options));
            }
        }
        FeatureEncoding encoding = new FeatureEncoding(fitted);
        if (!anyNull && !encoding.hasCategories()) return new Encoded(encoding, raw); // already its own encoding
        return new Encoded(encoding, encode(encoding, slotsOfCodes(encoding, columns), raw, rows, budget));
    }

    /**
     * Encodes the rows with an encoding fitted to other rows before, as a warm start continues a model:
     * the same columns of the same kinds; an unseen category goes to "other", as at prediction.
     *
     * @throws DataException naming the first column that differs, or a NULL the encoding refuses
     */
    static Encoded apply(FeatureEncoding encoding, List<RawColumn> columns, float[] raw, int rows, HeapBudget budget) {
        int width = columns.size();
        List<String> names = columns.stream().map(RawColumn::name).toList();
        if (width != encoding.columns().size()) {
            throw new DataException("the model was trained on feature columns " + encoding.names() + "; this query has "
                    + names + ": select the same columns, in the same order");
        }
        for (int c = 0; c < width; c++) {
            Column column = encoding.column(c);
            RawColumn read = columns.get(c);
            if (!column.name().equalsIgnoreCase(read.name()) || column.kind() != read.kind()) {
                throw new DataException("the model's feature column " + (c + 1) + " is " + column.name() + " ("
                        + describe(column.kind()) + "); this query's is " + read.name() + " (" + describe(read.kind())
                        + ", " + read.typeName() + "): select the model's columns " + encoding.names() + " in that order");
            }
            if (column.impute() != Imputation.ERROR) continue;
            for (int r = 0; r < rows; r++) {
                if (Float.isNaN(raw[r * width + c])) {
                    throw new DataException("row " + (r + 1) + " has a NULL in feature column " + read.name()
                            + ", which the model was trained to refuse (impute error): leave such rows out with WHERE "
                            + read.name() + " IS NOT NULL");
                }
            }
        }
        return new Encoded(encoding, encode(encoding, slotsOfCodes(encoding, columns), raw, rows, budget));
    }

    private static String describe(Kind kind) {
        return kind == Kind.NUMBER ? "a number" : "text categories";
    }

    /** Per category column: the input of each code the collector gave (null for a number column). */
    private static int[][] slotsOfCodes(FeatureEncoding encoding, List<RawColumn> columns) {
        int[][] slotOfCode = new int[columns.size()][];
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).kind() != Kind.CATEGORY) continue;
            List<String> values = columns.get(c).values();
            slotOfCode[c] = new int[values.size()];
            for (int code = 0; code < values.size(); code++) slotOfCode[c][code] = encoding.slot(c, values.get(code));
        }
        return slotOfCode;
    }

    private static Column number(RawColumn column, float[] raw, int rows, int width, int c, int nulls, int firstNull,
                                 EncodingOptions options) {
        Imputation impute = options.numberImputation(column.name());
        if (!impute.forNumbers()) {
            throw new DataException("option 'columns' gives feature column " + column.name() + " impute " + impute.optionName()
                    + ", which is for text columns; " + column.name() + " is a number (" + column.typeName()
                    + "): use mean, median, zero or error");
        }
        if (nulls > 0 && impute == Imputation.ERROR) {
            throw new DataException("row " + (firstNull + 1) + " has a NULL in feature column " + column.name()
                    + "; with impute error features cannot be NULL: leave such rows out with WHERE " + column.name()
                    + " IS NOT NULL, or let sqlnn impute them (impute mean, median or zero)");
        }
        float fill = switch (impute) {
            case MEAN -> {
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    float x = raw[r * width + c];
                    if (!Float.isNaN(x)) sum += x;
                }
                yield (float) (sum / (rows - nulls));
            }
            case MEDIAN -> {
                float[] present = new float[rows - nulls];
                for (int r = 0, i = 0; r < rows; r++) {
                    float x = raw[r * width + c];
                    if (!Float.isNaN(x)) present[i++] = x;
                }
                Arrays.sort(present);
                int n = present.length;
                yield n % 2 == 1 ? present[n / 2] : (float) (((double) present[n / 2 - 1] + present[n / 2]) / 2);
            }
            case ZERO, ERROR -> 0f;
            case MISSING -> throw new AssertionError("refused above");
        };
        return Column.number(column.name(), impute, fill);
    }

    private static Column category(RawColumn column, int present, int nulls, int firstNull, EncodingOptions options) {
        Imputation impute = options.categoryImputation(column.name());
        if (!impute.forCategories()) {
            throw new DataException("option 'columns' gives feature column " + column.name() + " impute " + impute.optionName()
                    + ", which is for numbers; " + column.name() + " holds categories (" + column.typeName()
                    + "): use missing (NULL is a category of its own) or error");
        }
        if (nulls > 0 && impute == Imputation.ERROR) {
            throw new DataException("row " + (firstNull + 1) + " has a NULL in feature column " + column.name()
                    + "; with impute error categories cannot be NULL: leave such rows out with WHERE " + column.name()
                    + " IS NOT NULL, or let NULL be a category of its own (impute missing)");
        }
        int max = options.maxCategories(column.name());
        Integer[] codes = new Integer[column.values().size()];
        for (int i = 0; i < codes.length; i++) codes[i] = i;
        Arrays.sort(codes, Comparator.<Integer>comparingInt(i -> -column.counts()[i]).thenComparing(i -> column.values().get(i)));
        int kept = Math.min(max, codes.length);
        long other = 0;
        for (int i = kept; i < codes.length; i++) other += column.counts()[codes[i]];
        if (other * 2 > present) {
            throw new DataException(String.format("feature column %s has %,d distinct values in %,d rows; keeping the %,d"
                            + " most frequent (max_categories) leaves %,d rows (%.0f%%) sharing one 'other' input, so the"
                            + " column says little: leave it out if it is an identifier or free text, group its values in"
                            + " the query, or raise max_categories (at most %,d)",
                    column.name(), codes.length, present, kept, other, 100.0 * other / present,
                    EncodingOptions.MAX_CATEGORIES));
        }
        List<String> categories = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) categories.add(column.values().get(codes[i]));
        return Column.category(column.name(), impute, categories);
    }

    private static float[] encode(FeatureEncoding encoding, int[][] slotOfCode, float[] raw, int rows, HeapBudget budget) {
        int width = encoding.columns().size();
        int encodedWidth = encoding.width();
        budget.charge(0, (long) rows * encodedWidth * Float.BYTES);
        float[] out = new float[Math.multiplyExact(rows, encodedWidth)];
        for (int r = 0; r < rows; r++) {
            int at = r * encodedWidth;
            for (int c = 0; c < width; c++) {
                float x = raw[r * width + c];
                Column column = encoding.column(c);
                if (column.kind() == Kind.NUMBER) {
                    out[at + encoding.offset(c)] = Float.isNaN(x) ? column.fill() : x;
                } else {
                    int slot = Float.isNaN(x) ? column.categories().size() + 1 : slotOfCode[c][(int) x];
                    out[at + encoding.offset(c) + slot] = 1f;
                }
            }
        }
        return out;
    }
}

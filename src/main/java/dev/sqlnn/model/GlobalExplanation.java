package dev.sqlnn.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a model leans on over many rows ({@code ML_GLOBAL_EXPLAIN}): per network input, the mean of
 * its absolute attribution over the rows explained (each row's for its own predicted class, see
 * {@link IntegratedGradients}), and the mean of its signed attribution. Rows without features are
 * not counted.
 */
public final class GlobalExplanation {

    /** One input's figures; {@code rank} from 1 for the largest mean absolute attribution. */
    public record Feature(int rank, String name, double meanAbsoluteAttribution, double meanAttribution) {
    }

    private GlobalExplanation() {
    }

    /**
     * Explains every row of {@code rows} and returns one {@link Feature} per input, largest mean
     * absolute attribution first (equal ones in input order); none when no row had features.
     *
     * @param betweenRows called after each row and batch, e.g. to stop at a cancel; may be null
     */
    public static List<Feature> of(Model model, ResultSet rows, Runnable betweenRows) throws SQLException {
        QueryExplainer explainer = new QueryExplainer(model, rows, rs -> null, betweenRows);
        int width = model.inputWidth();
        double[] absolute = new double[width];
        double[] signed = new double[width];
        long explained = 0;
        for (int n; (n = explainer.nextBatch()) > 0; ) {
            for (int r = 0; r < n; r++) {
                IntegratedGradients.Explanation e = explainer.explanation(r);
                if (e == null) continue;
                explained++;
                double[] a = e.attributions();
                for (int i = 0; i < width; i++) {
                    absolute[i] += Math.abs(a[i]);
                    signed[i] += a[i];
                }
            }
        }
        if (explained == 0) return List.of();
        List<String> names = model.inputNames();
        List<Integer> order = new ArrayList<>(width);
        for (int i = 0; i < width; i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> -absolute[i]).thenComparing(i -> i));
        List<Feature> features = new ArrayList<>(width);
        for (int rank = 0; rank < width; rank++) {
            int i = order.get(rank);
            features.add(new Feature(rank + 1, names.get(i), absolute[i] / explained, signed[i] / explained));
        }
        return features;
    }
}

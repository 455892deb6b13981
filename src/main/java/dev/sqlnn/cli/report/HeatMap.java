package dev.sqlnn.cli.report;

import java.util.List;
import java.util.Locale;

/**
 * A confusion matrix as an SVG heat map: actual classes down, predicted across, each cell's count
 * written in it. Its colour is the share of the actual class that landed there: blue on the
 * diagonal (right), red off it (mistakes), on a square-root scale so that small confusions show.
 */
final class HeatMap {

    private static final double LEFT = 86;
    private static final double TOP = 66;

    private HeatMap() {
    }

    /** @param counts counts[actual][predicted], in the order of {@code classes} */
    static String svg(List<String> classes, long[][] counts) {
        int n = classes.size();
        double cell = Math.max(26, Math.min(42, 420.0 / Math.max(1, n)));
        double width = LEFT + n * cell + 20;
        double height = TOP + n * cell + 20;
        Svg svg = new Svg(width, height, "Confusion matrix: actual class by predicted class");
        svg.text(LEFT + n * cell / 2, 18, "predicted", "middle", 12, Palette.INK, true, 0);
        svg.text(18, TOP + n * cell / 2, "actual", "middle", 12, Palette.INK, true, -90);
        for (int j = 0; j < n; j++) {
            svg.text(LEFT + (j + 0.5) * cell, TOP - 10, shorten(classes.get(j)), "middle", 11, Palette.INK);
        }
        for (int i = 0; i < n; i++) {
            long total = 0;
            for (long c : counts[i]) total += c;
            double rowY = TOP + i * cell;
            svg.text(LEFT - 8, rowY + cell / 2 + 4, shorten(classes.get(i)), "end", 11, Palette.INK);
            for (int j = 0; j < n; j++) {
                long count = counts[i][j];
                double share = total == 0 ? 0 : (double) count / total;
                double t = Math.sqrt(share);
                String fill = count == 0 ? "#ffffff" : i == j ? Palette.blues(t) : Palette.reds(Math.max(0.15, t));
                String tip = String.format(Locale.ROOT, "actual %s, predicted %s: %d (%.1f%% of actual %s)",
                        classes.get(i), classes.get(j), count, 100 * share, classes.get(i));
                svg.rect(LEFT + j * cell, rowY, cell, cell, fill, Palette.GRID, tip);
                if (count > 0) {
                    String ink = (i == j ? t : Math.max(0.15, t)) > 0.6 ? "#ffffff" : Palette.INK;
                    svg.text(LEFT + (j + 0.5) * cell, rowY + cell / 2 + 4, Long.toString(count), "middle",
                            cell < 34 ? 9 : 11, ink);
                }
            }
        }
        return svg.toString();
    }

    private static String shorten(String label) {
        return label.length() <= 10 ? label : label.substring(0, 9) + "…";
    }
}

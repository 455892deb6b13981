package dev.sqlnn.cli.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart as SVG: axes with ticks and grid lines, one line (with dots when there are few points)
 * per series, a legend on the right, an optional dashed diagonal (the chance line of a ROC chart).
 */
final class LineChart {

    /** One line: {@code x[i], y[i]}; NaN values are skipped. */
    record Series(String name, String color, double[] x, double[] y, boolean dashed) {
    }

    private static final double LEFT = 56;
    private static final double TOP = 34;
    private static final double BOTTOM = 44;
    private static final double LEGEND_WIDTH = 170;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean integerX;
    private double[] fixedX;
    private double[] fixedY;
    private boolean diagonal;
    private boolean fromZero;

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    LineChart add(Series s) {
        series.add(s);
        return this;
    }

    LineChart integerX() {
        integerX = true;
        return this;
    }

    /** The y axis starts at zero (or below, for negative values): for losses, whose size matters. */
    LineChart fromZero() {
        fromZero = true;
        return this;
    }

    /**
     * Rates on both axes, from 0 to {@code xMax} across and 0 to 1 up, with the chance diagonal: a ROC
     * chart, or its left part when {@code xMax} is below 1 (lines are cut at the edge).
     */
    LineChart rates(double xMax) {
        fixedX = new double[] {0, xMax};
        fixedY = new double[] {0, 1};
        diagonal = true;
        return this;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    String svg(double width, double height) {
        double plotRight = width - LEGEND_WIDTH;
        double plotBottom = height - BOTTOM;
        Axis x = fixedX != null ? Axis.fixed(fixedX[0], fixedX[1], Axis.nice((fixedX[1] - fixedX[0]) / 6), LEFT, plotRight)
                : Axis.covering(min(true), max(true), integerX, LEFT, plotRight);
        Axis y = fixedY != null ? Axis.fixed(fixedY[0], fixedY[1], 0.2, plotBottom, TOP)
                : Axis.covering(fromZero ? Math.min(0, min(false)) : min(false), max(false), false, plotBottom, TOP);
        Svg svg = new Svg(width, height, title);
        svg.text(LEFT, 20, title, "start", 14, Palette.INK, true, 0);
        for (double t : y.ticks()) {
            double py = y.pixel(t);
            svg.line(LEFT, py, plotRight, py, Palette.GRID, 1, false);
            svg.text(LEFT - 6, py + 4, y.label(t), "end", 11, Palette.MUTED);
        }
        for (double t : x.ticks()) {
            double px = x.pixel(t);
            svg.line(px, plotBottom, px, plotBottom + 4, Palette.MUTED, 1, false);
            svg.text(px, plotBottom + 17, x.label(t), "middle", 11, Palette.MUTED);
        }
        svg.line(LEFT, plotBottom, plotRight, plotBottom, Palette.MUTED, 1, false);
        svg.line(LEFT, TOP, LEFT, plotBottom, Palette.MUTED, 1, false);
        svg.text((LEFT + plotRight) / 2, height - 8, xLabel, "middle", 12, Palette.INK);
        svg.text(14, (TOP + plotBottom) / 2, yLabel, "middle", 12, Palette.INK, false, -90);
        if (diagonal) {
            double end = Math.min(x.max, y.max);
            svg.line(x.pixel(0), y.pixel(0), x.pixel(end), y.pixel(end), Palette.MUTED, 1, true);
        }
        for (Series s : series) draw(svg, s, x, y);
        legend(svg, plotRight + 16);
        return svg.toString();
    }

    private void draw(Svg svg, Series s, Axis x, Axis y) {
        List<double[]> points = new ArrayList<>();
        double[] previous = null;
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isNaN(s.x()[i]) || Double.isNaN(s.y()[i])) continue;
            double[] p = {s.x()[i], s.y()[i]};
            boolean inside = p[0] >= x.min && p[0] <= x.max;
            if (previous != null && inside != (previous[0] >= x.min && previous[0] <= x.max)) {
                double edge = p[0] > x.max || previous[0] > x.max ? x.max : x.min; // where the line crosses the edge
                double t = (edge - previous[0]) / (p[0] - previous[0]);
                points.add(new double[] {x.pixel(edge), y.pixel(previous[1] + t * (p[1] - previous[1]))});
            }
            if (inside) points.add(new double[] {x.pixel(p[0]), y.pixel(p[1])});
            previous = p;
        }
        svg.polyline(points, s.color(), points.size() > 30 ? 1.5 : 2, s.dashed());
        if (points.size() <= 30) {
            for (double[] p : points) svg.circle(p[0], p[1], 3, s.color());
        }
    }

    private void legend(Svg svg, double left) {
        double y = TOP + 6;
        for (Series s : series) {
            svg.line(left, y - 4, left + 18, y - 4, s.color(), 3, s.dashed());
            svg.text(left + 24, y, s.name(), "start", 11, Palette.INK);
            y += 18;
        }
    }

    private double min(boolean ofX) {
        double m = Double.NaN;
        for (Series s : series) {
            for (double v : ofX ? s.x() : s.y()) if (!Double.isNaN(v) && !(v >= m)) m = v;
        }
        return m;
    }

    private double max(boolean ofX) {
        double m = Double.NaN;
        for (Series s : series) {
            for (double v : ofX ? s.x() : s.y()) if (!Double.isNaN(v) && !(v <= m)) m = v;
        }
        return m;
    }
}

package dev.sqlnn.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear axis with "nice" ticks (1, 2 or 5 times a power of ten) that cover the data, mapped onto a
 * pixel range.
 */
final class Axis {

    final double min;
    final double max;
    final double step;
    private final double from;
    private final double to;

    private Axis(double min, double max, double step, double from, double to) {
        this.min = min;
        this.max = max;
        this.step = step;
        this.from = from;
        this.to = to;
    }

    /**
     * An axis over the data range, widened to whole ticks, onto pixels {@code from..to} (to may be less
     * than from: a y axis grows upwards).
     *
     * @param integers ticks at whole numbers only, e.g. epochs
     */
    static Axis covering(double dataMin, double dataMax, boolean integers, double from, double to) {
        double lo = dataMin;
        double hi = dataMax;
        if (!(hi > lo)) { // one value, or none: give it room
            double pad = lo == 0 || Double.isNaN(lo) ? 1 : Math.abs(lo) * 0.1;
            lo = Double.isNaN(lo) ? 0 : lo - pad;
            hi = Double.isNaN(hi) ? 1 : hi + pad;
        }
        double step = nice((hi - lo) / 6);
        if (integers) step = Math.max(1, Math.round(step));
        double min = Math.floor(lo / step) * step;
        double max = Math.ceil(hi / step) * step;
        return new Axis(min, max, step, from, to);
    }

    /** An axis with fixed ends, e.g. [0, 1] for rates. */
    static Axis fixed(double min, double max, double step, double from, double to) {
        return new Axis(min, max, step, from, to);
    }

    double pixel(double value) {
        return from + (value - min) / (max - min) * (to - from);
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        int n = (int) Math.round((max - min) / step);
        for (int i = 0; i <= n && i <= 50; i++) ticks.add(min + i * step);
        return ticks;
    }

    String label(double tick) {
        if (step >= 1 && Math.abs(tick) < 1e9) return Long.toString(Math.round(tick));
        int decimals = (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
        return String.format(Locale.ROOT, "%." + decimals + "f", tick);
    }

    /** 1, 2 or 5 times a power of ten, the nearest at or above {@code rough}. */
    static double nice(double rough) {
        if (!(rough > 0) || Double.isInfinite(rough)) return 1;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}

package dev.sqlnn.cli.report;

import java.util.Locale;

/** The report's colours: one per series or class, and the scales of the confusion matrix. */
final class Palette {

    /** Ten distinct colours that stay apart for colour-blind readers too (Tableau 10). */
    private static final String[] CATEGORICAL = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    };

    static final String INK = "#1f2933";
    static final String MUTED = "#7b8794";
    static final String GRID = "#e4e7eb";

    private Palette() {
    }

    static String categorical(int index) {
        return CATEGORICAL[Math.floorMod(index, CATEGORICAL.length)];
    }

    /** White to dark blue, for correct predictions; {@code t} in [0, 1]. */
    static String blues(double t) {
        return mix(0xf7fbff, 0x08519c, t);
    }

    /** White to dark red, for mistakes; {@code t} in [0, 1]. */
    static String reds(double t) {
        return mix(0xfff5f0, 0xa50f15, t);
    }

    /** White at 0, to dark red at 1 and dark blue at -1: signed values such as attributions; {@code t} in [-1, 1]. */
    static String diverging(double t) {
        return t >= 0 ? mix(0xffffff, 0xa50f15, t) : mix(0xffffff, 0x08519c, -t);
    }

    private static String mix(int from, int to, double t) {
        double u = Math.max(0, Math.min(1, t));
        int r = channel(from >> 16, to >> 16, u);
        int g = channel(from >> 8, to >> 8, u);
        int b = channel(from, to, u);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static int channel(int from, int to, double t) {
        int a = from & 0xff;
        int b = to & 0xff;
        return (int) Math.round(a + (b - a) * t);
    }
}

package dev.sqlnn.cli.report;

import java.util.Locale;

/** Escaping for text from the database, which may hold anything, and number formatting for the page. */
final class Html {

    private Html() {
    }

    /** Text safe in element content and in double-quoted attribute values. */
    static String escape(String text) {
        if (text == null) return "";
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // control characters other than tab and newlines are not allowed in HTML or SVG text
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') sb.append('\uFFFD');
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /** A metric for a table: four decimals, or blank when unknown. */
    static String metric(Double value) {
        if (value == null || value.isNaN()) return "";
        if (value.isInfinite()) return value > 0 ? "∞" : "−∞";
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** A coordinate in SVG: at most two decimals, no exponent. */
    static String coordinate(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "0";
        long hundredths = Math.round(v * 100);
        if (hundredths % 100 == 0) return Long.toString(hundredths / 100);
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }
}

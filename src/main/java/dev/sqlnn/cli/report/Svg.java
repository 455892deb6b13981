package dev.sqlnn.cli.report;

import java.util.List;

/**
 * A small SVG writer: the shapes the report's charts need, with coordinates in pixels and every text
 * escaped. {@link #toString()} gives an inline {@code <svg>} element.
 */
final class Svg {

    private final double width;
    private final double height;
    private final String label;
    private final StringBuilder body = new StringBuilder();

    /** @param label what the image shows, for screen readers */
    Svg(double width, double height, String label) {
        this.width = width;
        this.height = height;
        this.label = label;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth, boolean dashed) {
        body.append("<line x1=\"").append(c(x1)).append("\" y1=\"").append(c(y1)).append("\" x2=\"").append(c(x2))
                .append("\" y2=\"").append(c(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(c(strokeWidth)).append('"');
        if (dashed) body.append(" stroke-dasharray=\"4 4\"");
        body.append("/>\n");
        return this;
    }

    /** A line through the points, given as {x, y} pairs. */
    Svg polyline(List<double[]> points, String stroke, double strokeWidth, boolean dashed) {
        body.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(c(strokeWidth))
                .append("\" stroke-linejoin=\"round\"");
        if (dashed) body.append(" stroke-dasharray=\"6 4\"");
        body.append(" points=\"");
        for (double[] p : points) body.append(c(p[0])).append(',').append(c(p[1])).append(' ');
        body.append("\"/>\n");
        return this;
    }

    Svg circle(double cx, double cy, double r, String fill) {
        body.append("<circle cx=\"").append(c(cx)).append("\" cy=\"").append(c(cy)).append("\" r=\"").append(c(r))
                .append("\" fill=\"").append(fill).append("\"/>\n");
        return this;
    }

    /** A rectangle; {@code tooltip} (may be null) shows on hover. */
    Svg rect(double x, double y, double w, double h, String fill, String stroke, String tooltip) {
        body.append("<rect x=\"").append(c(x)).append("\" y=\"").append(c(y)).append("\" width=\"").append(c(w))
                .append("\" height=\"").append(c(h)).append("\" fill=\"").append(fill).append('"');
        if (stroke != null) body.append(" stroke=\"").append(stroke).append('"');
        if (tooltip == null) {
            body.append("/>\n");
        } else {
            body.append("><title>").append(Html.escape(tooltip)).append("</title></rect>\n");
        }
        return this;
    }

    /** Text anchored at (x, y): {@code anchor} is start, middle or end; {@code rotate} in degrees about (x, y). */
    Svg text(double x, double y, String text, String anchor, double size, String fill, boolean bold, double rotate) {
        body.append("<text x=\"").append(c(x)).append("\" y=\"").append(c(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" font-size=\"").append(c(size)).append("\" fill=\"").append(fill).append('"');
        if (bold) body.append(" font-weight=\"bold\"");
        if (rotate != 0) body.append(" transform=\"rotate(").append(c(rotate)).append(' ').append(c(x)).append(' ')
                .append(c(y)).append(")\"");
        body.append('>').append(Html.escape(text)).append("</text>\n");
        return this;
    }

    Svg text(double x, double y, String text, String anchor, double size, String fill) {
        return text(x, y, text, anchor, size, fill, false, 0);
    }

    @Override
    public String toString() {
        return "<svg viewBox=\"0 0 " + c(width) + " " + c(height) + "\" width=\""
                + c(width) + "\" height=\"" + c(height) + "\" role=\"img\" aria-label=\"" + Html.escape(label)
                + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n" + body + "</svg>";
    }

    private static String c(double v) {
        return Html.coordinate(v);
    }
}

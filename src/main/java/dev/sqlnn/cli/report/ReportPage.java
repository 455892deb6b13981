package dev.sqlnn.cli.report;

import dev.sqlnn.cli.report.ReportData.Epoch;
import dev.sqlnn.cli.report.ReportData.Roc;
import dev.sqlnn.cli.report.ReportData.Sample;
import dev.sqlnn.cli.report.ReportData.Score;
import dev.sqlnn.cli.report.ReportData.Version;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report as one HTML page: inline CSS and SVG, images as data URIs, a Content-Security-Policy
 * that forbids loading anything, and every text from the database escaped.
 */
public final class ReportPage {

    /** Figures where less is better; the versions table marks the best value of each column. */
    private static final Set<String> LOWER_IS_BETTER = Set.of("log_loss", "mse", "mae", "train_loss", "validation_loss");
    private static final List<String> HEADLINE = List.of("accuracy", "f1_macro", "roc_auc", "log_loss", "r2", "mse", "mae");
    private static final List<String> VERSION_METRICS = List.of("accuracy", "f1_macro", "roc_auc", "log_loss", "r2",
            "mse", "mae", "best_epoch");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final ReportData data;
    private final StringBuilder html = new StringBuilder(1 << 16);

    private ReportPage(ReportData data) {
        this.data = data;
    }

    public static String render(ReportData data) {
        return new ReportPage(data).page();
    }

    private String page() {
        Version v = data.version();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>sqlnn report: ").append(e(data.model())).append(" version ").append(v.version())
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        header(v);
        for (String note : data.notes()) html.append("<p class=\"note\">").append(e(note)).append("</p>\n");
        evaluation();
        training();
        classifierFigures();
        versions();
        samples();
        html.append("<footer>Made by sqlnn on ").append(WHEN.format(data.generated()))
                .append(". One self-contained file: charts are inline SVG, images are embedded, nothing is loaded from the network.</footer>\n");
        html.append("</main>\n</body>\n</html>\n");
        return html.toString();
    }

    private void header(Version v) {
        html.append("<header>\n<h1>").append(e(data.model())).append(" <span class=\"version\">version ").append(v.version())
                .append(v.deployed() ? " · deployed" : "").append("</span></h1>\n<p class=\"sub\">")
                .append(e(v.layers())).append(" · ").append(e(v.task()))
                .append(String.format(Locale.ROOT, " · trained on %,d rows in %.1f s", v.trainRows(), v.trainSeconds()));
        if (v.created() != null) html.append(" · ").append(WHEN.format(v.created()));
        html.append("</p>\n<p class=\"query\">Evaluated on <code>").append(e(data.query())).append("</code></p>\n</header>\n");
    }

    private void evaluation() {
        html.append("<section id=\"evaluation\">\n<h2>On the query</h2>\n<div class=\"evaluation\">\n<div class=\"cards\">\n");
        Map<String, Double> overall = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perClass = new LinkedHashMap<>();
        Set<String> classMetrics = new LinkedHashSet<>();
        for (Score s : data.scores()) {
            if (s.className() == null) {
                overall.put(s.metric(), s.score());
            } else {
                perClass.computeIfAbsent(s.className(), k -> new LinkedHashMap<>()).put(s.metric(), s.score());
                classMetrics.add(s.metric());
            }
        }
        for (String key : HEADLINE) {
            if (overall.containsKey(key)) card(key, overall.get(key));
        }
        for (Map.Entry<String, Double> m : overall.entrySet()) {
            if (!HEADLINE.contains(m.getKey())) card(m.getKey(), m.getValue());
        }
        html.append("</div>\n");
        if (!perClass.isEmpty()) {
            html.append("<table class=\"per-class\">\n<thead><tr><th>class</th>");
            for (String m : classMetrics) html.append("<th>").append(e(m)).append("</th>");
            html.append("</tr></thead>\n<tbody>\n");
            for (Map.Entry<String, Map<String, Double>> row : perClass.entrySet()) {
                html.append("<tr><th>").append(e(row.getKey())).append("</th>");
                for (String m : classMetrics) {
                    Double value = row.getValue().get(m);
                    html.append("<td>").append(m.equals("support") && value != null
                            ? String.format(Locale.ROOT, "%,.0f", value) : Html.metric(value)).append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }
        html.append("</div>\n</section>\n");
    }

    private void card(String metric, double value) {
        html.append("<div class=\"card\"><div class=\"value\">").append(Html.metric(value))
                .append("</div><div class=\"label\">").append(e(metric)).append("</div></div>\n");
    }

    private void training() {
        List<Epoch> epochs = data.epochs();
        html.append("<section id=\"training\">\n<h2>Training, epoch by epoch</h2>\n");
        if (epochs.isEmpty()) {
            html.append("<p>No training log for this version.</p>\n</section>\n");
            return;
        }
        int n = epochs.size();
        double[] x = new double[n];
        double[] train = new double[n];
        double[] validation = new double[n];
        double[] metric = new double[n];
        for (int i = 0; i < n; i++) {
            Epoch ep = epochs.get(i);
            x[i] = ep.epoch();
            train[i] = ep.trainLoss();
            validation[i] = ep.validationLoss();
            metric[i] = ep.validationMetric();
        }
        LineChart loss = new LineChart("Loss", "epoch", "loss").integerX().fromZero()
                .add(new LineChart.Series("training loss", Palette.categorical(0), x, train, false));
        if (hasValues(validation)) {
            loss.add(new LineChart.Series("validation loss", Palette.categorical(1), x, validation, true));
        }
        html.append("<div class=\"figures\">\n<figure>").append(loss.svg(560, 320)).append("</figure>\n");
        if (hasValues(metric)) {
            String name = data.version().isClassifier() ? "validation accuracy" : "validation R²";
            LineChart quality = new LineChart(data.version().isClassifier() ? "Validation accuracy" : "Validation R²",
                    "epoch", name).integerX()
                    .add(new LineChart.Series(name, Palette.categorical(2), x, metric, false));
            html.append("<figure>").append(quality.svg(560, 320)).append("</figure>\n");
        }
        html.append("</div>\n</section>\n");
    }

    private void classifierFigures() {
        if (data.confusion().length == 0 && data.roc().isEmpty()) return;
        html.append("<section id=\"classes\">\n<div class=\"figures\">\n");
        if (data.confusion().length > 0) {
            html.append("<figure class=\"confusion\"><h2>Confusion matrix</h2>").append(HeatMap.svg(data.classes(), data.confusion()))
                    .append("<figcaption>Rows: actual class; columns: predicted. Colour: share of the actual class "
                            + "(blue on the diagonal: right; red: mistakes).</figcaption></figure>\n");
        }
        if (!data.roc().isEmpty()) {
            double xMax = rocWidth(data.roc());
            LineChart roc = new LineChart(xMax < 1 ? String.format(Locale.ROOT,
                    "One class against the rest, false positive rate ≤ %s", Html.coordinate(xMax))
                    : "One class against the rest", "false positive rate", "true positive rate").rates(xMax);
            for (int i = 0; i < data.roc().size(); i++) {
                Roc r = data.roc().get(i);
                roc.add(new LineChart.Series(String.format(Locale.ROOT, "%s (AUC %.3f)", shorten(r.className()), r.area()),
                        Palette.categorical(i), r.falsePositiveRate(), r.truePositiveRate(), false));
            }
            html.append("<figure class=\"roc\"><h2>ROC curves</h2>").append(roc.svg(520, 420)).append("</figure>\n");
        }
        html.append("</div>\n</section>\n");
    }

    /**
     * How much of the false positive rate axis to show: all of it, unless every curve is nearly at the
     * top (a true positive rate of 0.95) by 0.5, 0.2, 0.1 or 0.05; then up to there, so that good
     * classifiers' curves do not all crowd into the corner.
     */
    static double rocWidth(List<Roc> curves) {
        double width = 1;
        for (double candidate : new double[] {0.5, 0.2, 0.1, 0.05}) {
            for (Roc r : curves) {
                if (truePositiveRateAt(r, candidate) < 0.95) return width;
            }
            width = candidate;
        }
        return width;
    }

    private static double truePositiveRateAt(Roc r, double falsePositiveRate) {
        double best = 0;
        for (int i = 0; i < r.falsePositiveRate().length; i++) {
            if (r.falsePositiveRate()[i] <= falsePositiveRate) best = Math.max(best, r.truePositiveRate()[i]);
        }
        return best;
    }

    private void versions() {
        List<Version> versions = data.versions();
        List<String> shown = new ArrayList<>();
        for (String key : VERSION_METRICS) {
            if (versions.stream().anyMatch(v -> v.metrics().containsKey(key))) shown.add(key);
        }
        html.append("<section id=\"versions\">\n<h2>Versions of ").append(e(data.model())).append("</h2>\n")
                .append("<div class=\"scroll\"><table class=\"versions\">\n<thead><tr><th>version</th><th>created</th><th>layers</th>")
                .append("<th>training rows</th><th>seconds</th>");
        for (String key : shown) html.append("<th>").append(e(key)).append("</th>");
        html.append("<th>deployed</th></tr></thead>\n<tbody>\n");
        for (Version v : versions) {
            html.append(v.version() == data.version().version() ? "<tr class=\"current\">" : "<tr>")
                    .append("<td>").append(v.version()).append("</td><td>")
                    .append(v.created() == null ? "" : WHEN.format(v.created())).append("</td><td>").append(e(v.layers()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%,d", v.trainRows())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", v.trainSeconds())).append("</td>");
            for (String key : shown) {
                Double value = v.metrics().get(key);
                boolean best = value != null && versions.size() > 1 && value.equals(best(versions, key));
                html.append(best ? "<td class=\"best\">" : "<td>")
                        .append(key.equals("best_epoch") && value != null ? Long.toString(Math.round(value)) : Html.metric(value))
                        .append("</td>");
            }
            html.append("<td>").append(v.deployed() ? "✔" : "").append("</td></tr>\n");
        }
        html.append("</tbody>\n</table></div>\n<p class=\"hint\">Figures as stored in SQLNN.MODELS.METRICS, measured on each "
                + "version's own held-out rows; the best of each column is bold, the version of this report highlighted.</p>\n</section>\n");
    }

    private static Double best(List<Version> versions, String key) {
        boolean lower = LOWER_IS_BETTER.contains(key);
        Double best = null;
        for (Version v : versions) {
            Double value = v.metrics().get(key);
            if (value == null || value.isNaN()) continue;
            if (best == null || (lower ? value < best : value > best)) best = value;
        }
        return key.equals("best_epoch") ? null : best;
    }

    private void samples() {
        List<Sample> samples = data.samples();
        if (samples.isEmpty()) return;
        long mistakes = samples.stream().filter(Sample::isMistake).count();
        boolean maps = samples.stream().anyMatch(s -> s.attributions() != null);
        html.append("<section id=\"samples\">\n<h2>The first ").append(samples.size()).append(" rows of the query</h2>\n")
                .append("<p class=\"hint\">").append(mistakes).append(mistakes == 1 ? " mistake" : " mistakes")
                .append(", outlined in red. Each caption: the prediction, its probability, and the true label.");
        if (maps) {
            html.append(" Beside each digit, why: its attribution map for the predicted class (integrated gradients from"
                    + " a black image, ML_EXPLAIN_PREDICT); red pixels raised that class's probability, blue ones lowered"
                    + " it, the strongest of each digit in full colour.");
        }
        html.append("</p>\n<div class=\"").append(maps ? "grid explained" : "grid").append("\">\n");
        for (Sample s : samples) {
            String caption = "predicted " + s.predicted() + (s.actual() == null ? "" : ", true " + s.actual());
            html.append(s.isMistake() ? "<figure class=\"sample mistake\">" : "<figure class=\"sample\">")
                    .append("<img src=\"").append(ImageCells.pngDataUri(s.pixels(), s.side())).append("\" width=\"84\" height=\"84\" alt=\"")
                    .append(e(caption)).append("\">");
            if (s.attributions() != null) {
                html.append("<img class=\"attribution\" src=\"").append(ImageCells.divergingDataUri(s.attributions(), s.side()))
                        .append("\" width=\"84\" height=\"84\" alt=\"").append(e("attribution map for " + s.predicted()))
                        .append("\">");
            }
            html.append("<figcaption><b>").append(e(s.predicted())).append("</b>");
            if (!Double.isNaN(s.probability())) {
                html.append(String.format(Locale.ROOT, " <span class=\"p\">%.0f%%</span>", 100 * s.probability()));
            }
            if (s.actual() != null) html.append(" <span class=\"true\">true ").append(e(s.actual())).append("</span>");
            html.append("</figcaption></figure>\n");
        }
        html.append("</div>\n</section>\n");
    }

    private static boolean hasValues(double[] values) {
        for (double v : values) if (!Double.isNaN(v)) return true;
        return false;
    }

    private static String shorten(String label) {
        return label.length() <= 14 ? label : label.substring(0, 13) + "…";
    }

    private static String e(String text) {
        return Html.escape(text);
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f5f7fa; color: #1f2933;
                   font: 15px/1.45 "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
            main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 40px; }
            header { border-bottom: 2px solid #d9e2ec; margin-bottom: 8px; }
            h1 { font-size: 28px; margin: 8px 0 4px; }
            h1 .version { font-weight: normal; color: #52606d; font-size: 20px; }
            h2 { font-size: 19px; margin: 26px 0 10px; }
            figure h2 { margin-top: 0; }
            .sub { color: #52606d; margin: 0 0 6px; }
            .query code { background: #e4e7eb; padding: 2px 6px; border-radius: 4px; font-size: 13px; }
            .note { background: #fffbea; border-left: 4px solid #f0b429; padding: 8px 12px; }
            section { background: #ffffff; border-radius: 8px; padding: 4px 20px 16px; margin-top: 18px;
                      box-shadow: 0 1px 3px rgba(31, 41, 51, 0.12); }
            .evaluation { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
            .evaluation table { margin-top: 0; }
            .cards { display: grid; grid-template-columns: repeat(2, minmax(140px, 1fr)); gap: 12px; }
            .card { background: #f0f4f8; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
            .card .value { font-size: 24px; font-weight: bold; color: #243b53; }
            .card .label { color: #52606d; font-size: 13px; }
            .figures { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
            figure { margin: 8px 0; }
            figcaption { color: #52606d; font-size: 13px; max-width: 480px; }
            table { border-collapse: collapse; margin-top: 14px; font-size: 14px; }
            th, td { padding: 4px 12px; border-bottom: 1px solid #e4e7eb; text-align: right; }
            thead th { background: #f0f4f8; text-align: center; }
            tbody th { text-align: left; }
            tr.current { background: #e3f8ff; }
            .scroll { overflow-x: auto; }
            table.versions td { white-space: nowrap; }
            td.best { font-weight: bold; }
            .hint { color: #52606d; font-size: 13px; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(104px, 1fr)); gap: 10px; }
            .sample { margin: 0; padding: 6px; border: 2px solid #d9e2ec; border-radius: 6px; text-align: center;
                      background: #ffffff; }
            .grid.explained { grid-template-columns: repeat(auto-fill, minmax(196px, 1fr)); }
            .sample img { image-rendering: pixelated; display: inline-block; margin: 0 2px; }
            .sample img.attribution { border: 1px solid #d9e2ec; }
            .sample figcaption { font-size: 13px; color: #1f2933; }
            .sample .p, .sample .true { color: #52606d; }
            .sample.mistake { border-color: #d64545; background: #fff5f5; }
            .sample.mistake b { color: #d64545; }
            footer { color: #7b8794; font-size: 12px; margin-top: 24px; }
            """;
}

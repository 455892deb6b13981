package dev.sqlnn.cli.report;

import dev.sqlnn.cli.report.ReportData.Epoch;
import dev.sqlnn.cli.report.ReportData.Roc;
import dev.sqlnn.cli.report.ReportData.Sample;
import dev.sqlnn.cli.report.ReportData.Score;
import dev.sqlnn.cli.report.ReportData.Version;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page drawn from figures made up here: its sections, its escaping, and that it needs no network. */
class ReportPageTest {

    private static final String HOSTILE = "<script>alert('x')</script>&\"";

    @Test
    void drawsEverySectionOfAClassifierAsInlineSvgAndDataImages() {
        String html = ReportPage.render(classifier("digits", List.of("0", "1", "2")));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(4, count(html, "<svg "), "loss, validation accuracy, confusion matrix, ROC");
        assertTrue(html.contains("id=\"evaluation\"") && html.contains("id=\"training\"") && html.contains("id=\"classes\"")
                && html.contains("id=\"versions\"") && html.contains("id=\"samples\""));
        assertEquals(3, count(html, "<tr class=\"current\">") + count(html, "<tr><td>"), "one row per version");
        assertEquals(1, count(html, "<tr class=\"current\">"));
        assertEquals(6, count(html, "<img src=\"data:image/png;base64,"));
        assertEquals(2, count(html, "class=\"sample mistake\""));
        assertEquals(9, count(html, "<rect "), "a 3×3 confusion matrix");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing to fetch");
        assertFalse(html.contains("<script"), "no scripts");
    }

    @Test
    void escapesEveryTextFromTheDatabase() {
        String html = ReportPage.render(classifier(HOSTILE, List.of(HOSTILE, "b")));
        assertFalse(html.contains("<script>"), "a model name or class label must not become markup");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    }

    @Test
    void aRegressionModelHasCurvesAndVersionsButNoClassFigures() {
        Version v = new Version(1, true, "regression", "3-16-1", 3, 900, 0.5, OffsetDateTime.now(), "validation",
                Map.of("r2", 0.97, "mse", 0.02));
        ReportData data = new ReportData("prices", v, List.of(v), "SELECT a, b, c, y FROM t",
                List.of(new Epoch(1, 0.5, 0.4, 0.9, 0.1, 9000), new Epoch(2, 0.2, 0.1, 0.97, 0.1, 9000)),
                List.of(new Score("r2", null, 0.96), new Score("mse", null, 0.03)), List.of(), new long[0][0], List.of(),
                List.of(), List.of(), OffsetDateTime.now());
        String html = ReportPage.render(data);
        assertEquals(2, count(html, "<svg "));
        assertTrue(html.contains("Validation R²"));
        assertFalse(html.contains("id=\"classes\"") || html.contains("id=\"samples\""));
    }

    @Test
    void theAreaUnderARocCurveIsTheTrapezoidSum() {
        Roc perfect = new Roc("a", new double[] {0, 0, 1}, new double[] {0, 1, 1});
        Roc chance = new Roc("b", new double[] {1, 0, 0.5}, new double[] {1, 0, 0.5});
        assertEquals(1.0, perfect.area(), 1e-12);
        assertEquals(0.5, chance.area(), 1e-12);
    }

    @Test
    void rocChartsOfGoodClassifiersShowTheLeftOfTheAxisWhereTheCurvesDiffer() {
        Roc sharp = new Roc("a", new double[] {0, 0, 0.04, 1}, new double[] {0, 0.9, 0.99, 1});
        Roc soft = new Roc("b", new double[] {0, 0.1, 0.3, 1}, new double[] {0, 0.8, 0.96, 1});
        Roc chance = new Roc("c", new double[] {0, 0.5, 1}, new double[] {0, 0.5, 1});
        assertEquals(0.05, ReportPage.rocWidth(List.of(sharp)));
        assertEquals(0.5, ReportPage.rocWidth(List.of(sharp, soft)));
        assertEquals(1.0, ReportPage.rocWidth(List.of(sharp, chance)));
    }

    @Test
    void axesEndOnNiceTicksThatCoverTheData() {
        Axis loss = Axis.covering(0.13, 1.27, false, 0, 100);
        assertEquals(0.0, loss.min, 1e-12);
        assertEquals(1.4, loss.max, 1e-12);
        assertEquals(0.2, loss.step, 1e-12);
        Axis epochs = Axis.covering(1, 2, true, 0, 100);
        assertEquals(1.0, epochs.step);
        assertEquals(List.of("1", "2"), epochs.ticks().stream().map(epochs::label).toList());
        Axis one = Axis.covering(0.5, 0.5, false, 0, 100);
        assertTrue(one.min < 0.5 && one.max > 0.5, "a single value gets room around it");
    }

    static ReportData classifier(String name, List<String> classes) {
        List<Version> versions = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            versions.add(new Version(v, v == 2, "classification", "4-8-" + classes.size(), 4, 100, 1.5, OffsetDateTime.now(),
                    "validation", Map.of("accuracy", 0.8 + v / 100.0, "log_loss", 0.5 - v / 100.0)));
        }
        List<Score> scores = new ArrayList<>(List.of(new Score("accuracy", null, 0.9), new Score("log_loss", null, 0.3)));
        int n = classes.size();
        long[][] confusion = new long[n][n];
        List<Roc> roc = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            scores.add(new Score("recall", classes.get(i), 0.9));
            for (int j = 0; j < n; j++) confusion[i][j] = i == j ? 50 : 2;
            roc.add(new Roc(classes.get(i), new double[] {0, 0.1, 1}, new double[] {0, 0.8, 1}));
        }
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            byte[] pixels = {(byte) (40 * s), 0, (byte) 255, (byte) 128};
            String actual = classes.get(s % n);
            samples.add(new Sample(pixels, 2, actual, s < 2 ? classes.get((s + 1) % n) : actual, 0.75));
        }
        return new ReportData(name, versions.get(1), versions, "SELECT x, y FROM t WHERE y <> '" + name + "'",
                List.of(new Epoch(1, 1.0, 0.9, 0.7, 0.2, 500), new Epoch(2, 0.6, 0.55, 0.85, 0.2, 500)), scores,
                new ArrayList<>(classes), confusion, roc, samples, List.of(), OffsetDateTime.now());
    }

    private static int count(String text, String fragment) {
        Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}

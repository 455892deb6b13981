package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sqlnn report} on a small network trained on the bundled digits: the HTML it writes, then
 * the page as headless Chromium renders it.
 */
class ReportCommandTest {

    private static String url;
    private static Connection keep;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnTheBundledDigits() throws SQLException {
        url = "jdbc:h2:mem:report-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        keep = DriverManager.getConnection(url);
        Sqlnn.install(keep);
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(keep, "DIGITS", train.images(), train.labels());
        IdxTable.write(keep, "DIGITS_TEST", test.images(), test.labels());
        try (Statement s = keep.createStatement()) {
            s.execute("SELECT ML_TRAIN('digits', 'SELECT image, label FROM digits', '{\"hidden\":[32],\"epochs\":2}')");
            s.execute("SELECT ML_TRAIN('digits', 'SELECT image, label FROM digits WHERE id <= 2000', "
                    + "'{\"hidden\":[16],\"epochs\":1,\"deploy\":\"never\"}')");
        }
    }

    @AfterAll
    static void dropIt() throws SQLException {
        try (Statement s = keep.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            keep.close();
        }
    }

    @Test
    void writesOneSelfContainedPageThatChromiumRenders() throws Exception {
        Path page = dir.resolve("report.html");
        CliRun run = CliRun.of("report", "--url", url, "--model", "digits", "--query",
                "SELECT image, label FROM digits_test ORDER BY id", "--out", page.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Wrote " + page), run::toString);

        String html = Files.readString(page);
        assertEquals(4, count(html, "<svg "), "loss, validation accuracy, confusion matrix, ROC curves");
        assertEquals(100, count(html, "<rect "), "a 10×10 confusion matrix");
        assertEquals(10, count(html, "(AUC 0."), "a ROC curve per digit");
        assertEquals(2, count(html, "<tr class=\"current\">") + count(html, "<tr><td>"), "a row per version");
        assertEquals(40, count(html, "<img src=\"data:image/png;base64,"), "40 digits of the query");
        assertAttributionMaps(html);
        assertTrue(html.contains("<div class=\"label\">accuracy</div>"), "ML_EVALUATE's accuracy");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing to fetch from the network");
        assertFalse(html.contains("<script"), "no scripts");

        HeadlessChromium.require();
        HeadlessChromium chromium = new HeadlessChromium(dir);
        String dom = chromium.dumpDom(page);
        assertEquals(4, count(dom, "<svg "), "the rendered DOM has the charts");
        assertEquals(80, count(dom, "<img "), "and the digits, each with its attribution map");
        assertTrue(count(dom, "<table") >= 2, "and the tables");

        Path png = dir.resolve("report.png");
        chromium.screenshot(page, png);
        Files.copy(png, Path.of("target", "report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotBlank(ImageIO.read(png.toFile()));
    }

    /**
     * Beside each of the 40 digits its attribution map, a 28×28 PNG on a diverging scale: every map has
     * red pixels (pixels of the digit that raised the probability of the class it was taken for; they
     * add up to that probability minus a black image's, which is positive for a confident prediction),
     * white ones (the background, black in the digit: at the baseline, so exactly 0), and some maps have blue.
     */
    private static void assertAttributionMaps(String html) throws java.io.IOException {
        Matcher maps = Pattern.compile("<img class=\"attribution\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int count = 0;
        int withBlue = 0;
        while (maps.find()) {
            count++;
            BufferedImage map = ImageIO.read(new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(maps.group(1))));
            assertEquals(28, map.getWidth());
            int red = 0;
            int blue = 0;
            int white = 0;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int rgb = map.getRGB(x, y);
                    int r = rgb >> 16 & 0xFF;
                    int b = rgb & 0xFF;
                    if (r > b + 40) red++;
                    else if (b > r + 40) blue++;
                    else if (r == 255 && b == 255 && (rgb >> 8 & 0xFF) == 255) white++;
                }
            }
            assertTrue(red > 0 && white > 28 * 28 / 3, "map " + count + ": " + red + " red, " + white + " white pixels");
            if (blue > 0) withBlue++;
        }
        assertEquals(40, count, "an attribution map beside each digit");
        assertTrue(withBlue > 0, "some pixels lower the probability of the predicted class");
    }

    /** Not a blank page: many colours (charts, heat map, digits) and a fair share of pixels that are not background. */
    private static void assertNotBlank(BufferedImage image) {
        assertEquals(1280, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        int background = image.getRGB(0, 0); // the page background, beside the header
        long differ = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != (background & 0xFFFFFF)) differ++;
            }
        }
        long sampled = (long) (image.getWidth() / 2) * (image.getHeight() / 2);
        assertTrue(colours.size() > 200, "colours on the screenshot: " + colours.size());
        assertTrue(differ > sampled / 5, "pixels other than the background: " + differ + " of " + sampled);
    }

    private static int count(String text, String fragment) {
        Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}

package com.example.digits;

import dev.sqlnn.data.IdxReader;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as a client sees it: started on a free port over a fresh in-memory database (so the
 * first start trains), asked over HTTP with real PNGs of the bundled test digits, which the model
 * never saw.
 */
class DigitsServiceTest {

    /** The only answer {@code /predict} gives: a digit and ten probabilities (numbers as Java prints floats). */
    private static final String NUMBER = "-?\\d+(?:\\.\\d+)?(?:E-?\\d+)?";
    private static final Pattern PREDICTION = Pattern.compile(
            "\\{\"digit\":(\\d),\"probabilities\":\\[(" + NUMBER + "(?:," + NUMBER + "){9})]}");
    private static final Pattern ERROR = Pattern.compile("\\{\"error\":\"([^\"\\\\]|\\\\.)+\"}");

    private static final int DIGITS_POSTED = 20;

    private static JdbcConnectionPool database;
    private static DigitsService service;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IdxReader.Digits TEST_DIGITS = IdxReader.bundledDigits(false);
    /** Where the PNGs that are posted are left, to try the running service with curl. */
    private static final Path PNG_FOLDER = Path.of("target", "test-digits");

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(PNG_FOLDER);
        database = JdbcConnectionPool.create("jdbc:h2:mem:digits-service-test;DB_CLOSE_DELAY=-1", "sa", "");
        long started = System.nanoTime();
        service = DigitsService.start(database, 0);
        System.out.printf("DigitsServiceTest: first start (install, load, train %s) took %.1f s%n",
                DigitsService.TRAINING_OPTIONS, (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (service != null) service.close();
        if (database != null) database.dispose();
    }

    @Test
    void recognisesDigitsItNeverSaw() throws Exception {
        int right = 0;
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < DIGITS_POSTED; i++) {
            byte[] png = png(grayImage(i));
            Files.write(PNG_FOLDER.resolve(i + "-label-" + label(i) + ".png"), png); // for curl, by hand
            HttpResponse<String> response = post(png);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            Matcher json = PREDICTION.matcher(response.body());
            assertTrue(json.matches(), () -> "not the expected JSON: " + response.body());
            int digit = Integer.parseInt(json.group(1));
            double[] probabilities = Arrays.stream(json.group(2).split(",")).mapToDouble(Double::parseDouble).toArray();
            assertEquals(1.0, Arrays.stream(probabilities).sum(), 1e-4, response.body());
            assertEquals(digit, argmax(probabilities), "the digit is the most probable class: " + response.body());
            if (digit == label(i)) right++;
            answers.append(label(i)).append("→").append(digit).append(' ');
        }
        System.out.println("DigitsServiceTest: true→predicted " + answers);
        // A small model, three epochs: most digits right, not all; 80% leaves room for other kernels' rounding.
        assertTrue(right >= DIGITS_POSTED * 8 / 10, right + " of " + DIGITS_POSTED + " test digits right: " + answers);
    }

    @Test
    void aColourPngGetsTheSameAnswerAsItsGrayscale() throws Exception {
        BufferedImage gray = grayImage(3);
        BufferedImage colour = new BufferedImage(DigitsService.SIDE, DigitsService.SIDE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < DigitsService.SIDE; y++) {
            for (int x = 0; x < DigitsService.SIDE; x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                colour.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        assertEquals(post(png(gray)).body(), post(png(colour)).body());
    }

    @Test
    void aBodyThatIsNotAPngIs400WithAMessage() throws Exception {
        HttpResponse<String> response = post("hello, not a picture".getBytes());
        assertEquals(400, response.statusCode());
        assertTrue(ERROR.matcher(response.body()).matches(), response.body());
        assertTrue(response.body().contains("not an image"), response.body());
    }

    @Test
    void aDamagedPngIs400() throws Exception {
        byte[] png = png(grayImage(0));
        HttpResponse<String> response = post(Arrays.copyOf(png, png.length / 2));
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(ERROR.matcher(response.body()).matches(), response.body());
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        HttpResponse<String> response = post(new byte[0]);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("empty"), response.body());
    }

    @Test
    void anImageOfAnotherSizeIs400NamingBothSizes() throws Exception {
        HttpResponse<String> response = post(png(new BufferedImage(32, 20, BufferedImage.TYPE_BYTE_GRAY)));
        assertEquals(400, response.statusCode());
        assertEquals("{\"error\":\"the image is 32×20; expected 28×28\"}", response.body());
    }

    @Test
    void getOnPredictIs405() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/predict")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    /** {@code ML_INFO()} through {@code /info}: the SIMD kernels exactly when the JVM has the Vector API module. */
    @Test
    void infoSaysWhichKernelsServe() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/info")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("{\"model\":\"digits\",\"version\":1,\"sqlnn\":\"sqlnn "), response.body());
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.println("DigitsServiceTest: jdk.incubator.vector " + (vectorModule ? "present" : "absent")
                + "; " + response.body());
        assertEquals(vectorModule, response.body().contains("Vector API"), response.body());
    }

    /** A second start on the same database finds the model and trains nothing. */
    @Test
    void aRestartKeepsTheModel() throws Exception {
        try (DigitsService second = DigitsService.start(database, 0)) {
            assertTrue(second.port() != service.port());
        }
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'digits'")) {
            row.next();
            assertEquals(1, row.getInt(1), "versions of model digits");
        }
    }

    /** README's JDBC and jOOQ code ({@link EmbedSnippets}) answer what the service answers. */
    @Test
    void readmeQueriesAgreeWithTheService() throws Exception {
        byte[] pixels = Arrays.copyOfRange(TEST_DIGITS.images().pixels(), 0, 784);
        Matcher json = PREDICTION.matcher(post(png(grayImage(0))).body());
        assertTrue(json.matches());
        assertEquals(Integer.parseInt(json.group(1)), EmbedSnippets.predictWithJdbc(database, pixels));

        Map<Integer, Integer> byJooq = EmbedSnippets.predictWithJooq(database);
        Map<Integer, Integer> byJdbc = new HashMap<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT ID, IMAGE FROM DIGITS WHERE ID <= 10")) {
            while (rows.next()) byJdbc.put(rows.getInt(1), EmbedSnippets.predictWithJdbc(database, rows.getBytes(2)));
        }
        assertEquals(10, byJooq.size());
        assertEquals(byJdbc, byJooq);
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static int label(int i) {
        return TEST_DIGITS.labels()[i] & 0xFF;
    }

    /** Test digit {@code i} as a 28×28 8-bit grayscale image, white ink on black as in MNIST. */
    private static BufferedImage grayImage(int i) {
        int side = DigitsService.SIDE;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = TEST_DIGITS.images().pixels();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.getRaster().setSample(x, y, 0, pixels[i * side * side + y * side + x] & 0xFF);
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out), "no PNG writer");
        return out.toByteArray();
    }

    private static HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("/predict"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + service.port() + path);
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

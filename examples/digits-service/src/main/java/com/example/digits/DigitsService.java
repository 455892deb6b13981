package com.example.digits;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.h2.jdbcx.JdbcConnectionPool;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import javax.sql.DataSource;

/**
 * A web service that recognises handwritten digits, with the neural network inside its own embedded
 * H2 database: {@code POST /predict} with a 28×28 grayscale PNG (white ink on black, as MNIST's
 * digits are) answers {@code {"digit":7,"probabilities":[p0, ..., p9]}}; {@code GET /info} says which
 * model and kernels serve.
 *
 * <p>At start it installs sqlnn into the database ({@link Sqlnn#install(DataSource)}, idempotent) and,
 * if the database holds no model {@value #MODEL} yet, loads the MNIST digits that sqlnn ships into a
 * table and trains one with {@code ML_TRAIN}, in a few seconds. Every request is then one SQL
 * statement, {@code SELECT PREDICT('digits', ?), PREDICT_PROBA('digits', ?)}: the model is a row of
 * the database, decoded once and kept by sqlnn, and a new version deployed with {@code ML_DEPLOY} or a
 * retraining is what the next request scores.
 *
 * <p><b>Why the JDK's HTTP server.</b> {@code com.sun.net.httpserver} is part of every JDK (module
 * {@code jdk.httpserver}), so this example needs nothing but the JDK, sqlnn and H2: no framework,
 * no container, no annotations or configuration between the reader and the calls that matter, and
 * it starts in the time it takes to open the database. That makes it the easiest code to read as an
 * example of embedding sqlnn. A production service would more likely be a Spring Boot application
 * (its {@code DataSource} bean handed to {@code Sqlnn.install} at start-up, the handler a
 * {@code @PostMapping} method running the same statement through {@code JdbcTemplate}); what sqlnn
 * asks of the application is the same either way: a {@code DataSource}, one install call, and SQL.
 */
public final class DigitsService implements AutoCloseable {

    /** The model's name in {@code SQLNN.MODELS}. */
    public static final String MODEL = "digits";
    /** A small network, so that the first start trains in seconds: 784-64-10, three epochs. */
    static final String TRAINING_OPTIONS = "{\"hidden\":[64],\"epochs\":3,\"seed\":42}";
    static final int SIDE = 28;
    /** A 28×28 PNG is about a kilobyte; anything far bigger is not one of ours. */
    private static final int MAX_BODY = 1 << 20;

    private final DataSource dataSource;
    private final HttpServer server;
    private final ExecutorService executor;

    private DigitsService(DataSource dataSource, HttpServer server, ExecutorService executor) {
        this.dataSource = dataSource;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Installs sqlnn, trains the model if the database has none, and serves on {@code port} (0: any
     * free port, see {@link #port()}) until {@link #close()}.
     */
    public static DigitsService start(DataSource dataSource, int port) throws IOException, SQLException {
        Sqlnn.install(dataSource);
        trainIfMissing(dataSource);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        // One virtual thread per request: a request mostly waits for its statement, threads are cheap.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        DigitsService service = new DigitsService(dataSource, server, executor);
        server.createContext("/predict", service::predict);
        server.createContext("/info", service::info);
        server.start();
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests and waits up to a second for those under way. */
    @Override
    public void close() {
        server.stop(1);
        executor.close();
    }

    /**
     * The first start loads the bundled training digits into table {@code DIGITS} and trains the
     * model; later starts find it in {@code SQLNN.MODELS} and go straight to serving.
     */
    static void trainIfMissing(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (modelExists(connection)) return;
            IdxReader.Digits digits = IdxReader.bundledDigits(true);
            IdxTable.write(connection, "DIGITS", digits.images(), digits.labels());
            try (PreparedStatement train = connection.prepareStatement("SELECT ML_TRAIN(?, ?, ?)")) {
                train.setString(1, MODEL);
                train.setString(2, "SELECT image, label FROM digits");
                train.setString(3, TRAINING_OPTIONS);
                train.execute();
            }
        }
    }

    private static boolean modelExists(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = ?")) {
            query.setString(1, MODEL);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    /** {@code POST /predict}: a PNG in, the digit and its probabilities out. */
    private void predict(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, 405, error("use POST with a 28×28 grayscale PNG as the body"));
                return;
            }
            try {
                respond(exchange, 200, score(pixels(readBody(exchange.getRequestBody()))));
            } catch (BadRequest e) {
                respond(exchange, 400, error(e.getMessage()));
            } catch (SQLException e) {
                respond(exchange, 500, error(e.getMessage() + " (SQLState " + e.getSQLState() + ")"));
            }
        }
    }

    /** The model's answer for one image as JSON; the probabilities are in the order of the classes, 0 to 9. */
    private String score(byte[] pixels) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement predict = connection.prepareStatement(
                     "SELECT PREDICT(?, ?), PREDICT_PROBA(?, ?)")) {
            predict.setString(1, MODEL);
            predict.setBytes(2, pixels);
            predict.setString(3, MODEL);
            predict.setBytes(4, pixels);
            try (ResultSet row = predict.executeQuery()) {
                row.next();
                int digit = row.getInt(1);
                Array probabilities = row.getArray(2);
                StringBuilder json = new StringBuilder("{\"digit\":").append(digit).append(",\"probabilities\":[");
                Object[] values = (Object[]) probabilities.getArray();
                for (int i = 0; i < values.length; i++) {
                    if (i > 0) json.append(',');
                    json.append(((Number) values[i]).floatValue());
                }
                probabilities.free();
                return json.append("]}").toString();
            }
        }
    }

    /** {@code GET /info}: the model's deployed version and sqlnn's {@code ML_INFO()} (which kernels are active). */
    private void info(HttpExchange exchange) throws IOException {
        try (exchange) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement query = connection.prepareStatement("SELECT ML_INFO(),"
                         + " (SELECT MAX(VERSION) FROM SQLNN.MODELS WHERE NAME = ? AND DEPLOYED)");
                 ResultSet row = executeWith(query, MODEL)) {
                row.next();
                respond(exchange, 200, "{\"model\":" + quote(MODEL) + ",\"version\":" + row.getLong(2)
                        + ",\"sqlnn\":" + quote(row.getString(1)) + "}");
            } catch (SQLException e) {
                respond(exchange, 500, error(e.getMessage() + " (SQLState " + e.getSQLState() + ")"));
            }
        }
    }

    private static ResultSet executeWith(PreparedStatement query, String parameter) throws SQLException {
        query.setString(1, parameter);
        return query.executeQuery();
    }

    /** A client error, answered with 400 and this message. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException, BadRequest {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) throw new BadRequest("the body is over " + MAX_BODY + " bytes; expected a 28×28 PNG");
        if (body.length == 0) throw new BadRequest("the body is empty; expected a 28×28 grayscale PNG");
        return body;
    }

    /**
     * The image's 784 pixels as unsigned bytes, row by row: the features the model was trained on.
     * Grayscale images give their samples as they are; colour ones their luminance.
     */
    static byte[] pixels(byte[] png) throws BadRequest {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) { // a damaged file: the decoder says why
            throw new BadRequest("the body is not a readable image (" + e.getMessage() + "); expected a 28×28 grayscale PNG");
        }
        if (image == null) throw new BadRequest("the body is not an image that Java can read; expected a 28×28 grayscale PNG");
        if (image.getWidth() != SIDE || image.getHeight() != SIDE) {
            throw new BadRequest("the image is " + image.getWidth() + "×" + image.getHeight() + "; expected 28×28");
        }
        Raster raster = image.getRaster();
        boolean gray = raster.getNumBands() == 1 && image.getColorModel().getPixelSize() <= 16;
        int shift = gray ? Math.max(0, image.getColorModel().getPixelSize() - 8) : 0;
        byte[] pixels = new byte[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int value;
                if (gray) {
                    value = raster.getSample(x, y, 0) >> shift;
                } else {
                    int rgb = image.getRGB(x, y);
                    value = (299 * (rgb >> 16 & 0xFF) + 587 * (rgb >> 8 & 0xFF) + 114 * (rgb & 0xFF)) / 1000;
                }
                pixels[y * SIDE + x] = (byte) value;
            }
        }
        return pixels;
    }

    private static String error(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    /** A JSON string. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
                    else json.append(c);
                }
            }
        }
        return json.append('"').toString();
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Runs the service: {@code DigitsService [port [jdbc-url]]}, by default port 8080 and the H2 file
     * database {@code ./digits-service.mv.db}. Start the JVM with {@code --add-modules
     * jdk.incubator.vector} for sqlnn's SIMD kernels.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        String url = args.length > 1 ? args[1] : "jdbc:h2:./digits-service";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        DigitsService service = start(pool, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            pool.dispose();
        }));
        System.out.println("digits-service: POST a 28×28 grayscale PNG to http://localhost:" + service.port() + "/predict");
    }
}

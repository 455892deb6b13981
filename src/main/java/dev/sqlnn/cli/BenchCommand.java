package dev.sqlnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.data.ImageAugmenter;
import dev.sqlnn.nn.Engine;
import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.MatMul;
import dev.sqlnn.simd.PeakMeter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sqlnn bench}: end-to-end figures on this machine. The FMA peak, the matrix-product kernel
 * at the founding network's training shapes, training rows/s through {@code ML_TRAIN}, and
 * {@code PREDICT} rows/s through SQL, printed as a table and optionally written as JSON.
 */
@Command(name = "bench", description = "Measure kernel GFLOP/s, training rows/s and PREDICT rows/s on this machine.")
final class BenchCommand implements Callable<Integer> {

    /** The founding network's products for one batch of 64: m×n×k and which operand is transposed. */
    private static final int SIXTY_THOUSAND = 60_000;

    private static final String[] SHAPES = {
        "64x1024x784:NN forward 784->1024", "64x512x1024:NN forward 1024->512",
        "784x1024x64:TN weight gradient 784x1024", "1024x512x64:TN weight gradient 1024x512",
        "64x1024x512:NT input gradient 512->1024",
    };

    @Option(names = "--epochs", description = "Training epochs (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int epochs;

    @Option(names = "--threads", description = "Threads (default: all cores)")
    Integer threads;

    @Option(names = "--json", description = "Also write the results to this JSON file")
    File json;

    @Option(names = "--large", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also train one epoch on 60,000 synthetic MNIST-shaped images, measuring peak heap (default: on)")
    boolean large;

    @Option(names = "--quick", description = "Short timing rounds, for rough figures in a fraction of the time:"
            + " to check that everything works, not to measure")
    boolean quick;

    @Option(names = "--postgres", paramLabel = "URL", description = "Also measure sqlnn inside this PostgreSQL database"
            + " (PL/Java; a superuser's JDBC URL: sqlnn is loaded into it, tables bench_digits* are replaced)")
    String postgres;

    /** The bench's in-memory database, kept open between connections for the concurrent clients. */
    private static final String BENCH_URL = "jdbc:h2:mem:sqlnn-bench;DB_CLOSE_DELAY=-1";
    private static final int CONCURRENT_CLIENTS = 4;

    private final ObjectNode results = new ObjectMapper().createObjectNode();

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        results.put("kernels", KernelProvider.kernels().description());
        results.put("threads", t);
        System.out.printf("sqlnn bench: %s kernels, %d threads, Java %s%n%n",
                KernelProvider.kernels().description(), t, Runtime.version());
        peak(t);
        kernels(t);
        endToEnd(t);
        long heap = peakHeap();
        results.put("peak_heap_mb", heap >> 20);
        System.out.printf("%nPeak heap so far: %,d MB%n", heap >> 20);
        if (large) sixtyThousand(t);
        if (postgres != null) inPostgres(t);
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json, results);
            System.out.println("Wrote " + json);
        }
        return 0;
    }

    private void peak(int t) throws Exception {
        PeakMeter meter = KernelProvider.peakMeterOrNull();
        if (meter == null) {
            System.out.println("FMA peak: not measured (jdk.incubator.vector not readable)");
            return;
        }
        double seconds = quick ? 0.05 : 1.0;
        double one = meter.gflops(1, seconds);
        double all = meter.gflops(t, seconds);
        results.put("fma_peak_gflops_1_thread", one);
        results.put("fma_peak_gflops", all);
        System.out.printf("FMA peak: %.0f GFLOP/s on 1 thread, %.0f on %d%n%n", one, all, t);
    }

    private void kernels(int t) {
        System.out.printf("%-44s %10s %10s%n", "matrix product (m x n x k)", "1 thread", t + " threads");
        ObjectNode node = results.putObject("gemm_gflops");
        MatMul single = Engine.compute(1);
        MatMul multi = Engine.compute(t);
        for (String shape : SHAPES) {
            String[] parts = shape.split(" ", 2);
            double g1 = gemmGflops(single, parts[0]);
            double gt = gemmGflops(multi, parts[0]);
            node.putObject(parts[0]).put("description", parts[1]).put("threads_1", g1).put("threads_" + t, gt);
            System.out.printf("%-44s %10.1f %10.1f%n", parts[0] + " " + parts[1], g1, gt);
        }
    }

    private double gemmGflops(MatMul matMul, String shape) {
        String[] p = shape.split("[x:]");
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        boolean transA = p[3].charAt(0) == 'T', transB = p[3].charAt(1) == 'T';
        Random random = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) random.nextGaussian();
        double best = 0;
        int rounds = quick ? 1 : 8; // the best of 8 rounds of 0.2 s: the first ones warm up the JIT
        long roundNanos = quick ? 20_000_000L : 200_000_000L;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            int products = 0;
            while (System.nanoTime() - start < roundNanos) {
                matMul.gemm(transA, transB, m, n, k, a, transA ? m : k, b, transB ? k : n, c, n, false);
                products++;
            }
            double seconds = (System.nanoTime() - start) / 1e9 / products;
            best = Math.max(best, 2.0 * m * n * k / seconds / 1e9);
        }
        return best;
    }

    private void endToEnd(int t) throws SQLException {
        try (Connection c = DriverManager.getConnection(BENCH_URL)) {
            Sqlnn.install(c);
            IdxReader.Digits train = IdxReader.bundledDigits(true);
            IdxReader.Digits test = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", train.images(), train.labels());
            IdxTable.write(c, "DIGITS_TEST", test.images(), test.labels());
            execute(c, "CREATE TABLE DIGITS_ALL AS SELECT * FROM DIGITS UNION ALL SELECT ID + 8000, IMAGE, LABEL FROM DIGITS_TEST");

            String options = String.format("{\"hidden\":[1024,512],\"epochs\":%d,\"batch_size\":64,\"optimizer\":\"adam\","
                    + "\"learning_rate\":0.001,\"validation_fraction\":0.1,\"threads\":%d}", epochs, t);
            System.out.printf("%nTraining 784-1024-512-10 (Adam, batch 64) on 8,000 digits through ML_TRAIN, %d epochs%n", epochs);
            execute(c, "SELECT ML_TRAIN('bench', 'SELECT image, label FROM digits', '" + options + "')");
            ObjectNode training = results.putObject("training");
            double best = 0;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT EPOCH, SECONDS, ROWS_PER_SECOND, VALIDATION_METRIC FROM ML_TRAINING_INFO('bench') ORDER BY EPOCH")) {
                while (rs.next()) {
                    System.out.printf("  epoch %d: %6.2f s, %,8.0f rows/s, validation accuracy %.2f%%%n",
                            rs.getInt(1), rs.getDouble(2), rs.getDouble(3), 100 * rs.getDouble(4));
                    best = Math.max(best, rs.getDouble(3));
                    training.putObject("epoch_" + rs.getInt(1)).put("seconds", rs.getDouble(2)).put("rows_per_second", rs.getDouble(3));
                }
            }
            training.put("best_rows_per_second", best);
            double accuracy = scalar(c, "SELECT AVG(CASE WHEN PREDICT('bench', image) = label THEN 1.0 ELSE 0 END) FROM digits_test");
            training.put("test_accuracy", accuracy);
            System.out.printf("  best epoch %,.0f rows/s; test accuracy %.2f%%%n", best, 100 * accuracy);

            System.out.println();
            double predict = rowsPerSecond(c, "SELECT COUNT(PREDICT('bench', image)) FROM digits_all");
            results.put("predict_rows_per_second", predict);
            System.out.printf("SELECT COUNT(PREDICT('bench', image)) FROM digits_all (10,000 rows): %,.0f rows/s%n", predict);
            double batch = rowsPerSecond(c, "SELECT COUNT(*) FROM ML_PREDICT('bench', 'SELECT image FROM digits_all')");
            results.put("ml_predict_rows_per_second", batch);
            System.out.printf("SELECT COUNT(*) FROM ML_PREDICT('bench', 'SELECT image FROM digits_all'):  %,.0f rows/s%n", batch);
            // One client and four, each running the query over and over for the same seconds: the same
            // measure for both (the figure above is the best of ten runs, not an average).
            String mlPredict = "SELECT COUNT(*) FROM ML_PREDICT('bench', 'SELECT image FROM digits_all')";
            double alone = concurrentRowsPerSecond(BENCH_URL, 1, mlPredict);
            double together = concurrentRowsPerSecond(BENCH_URL, CONCURRENT_CLIENTS, mlPredict);
            results.put("ml_predict_1_client_rows_per_second", alone);
            results.put("ml_predict_4_clients_rows_per_second", together);
            System.out.printf("  the same over and over for %d s: 1 client %,.0f rows/s; %d clients at once %,.0f rows/s"
                    + " together (%.2fx)%n", quick ? 0 : 5, alone, CONCURRENT_CLIENTS, together, together / alone);
            execute(c, "DROP ALL OBJECTS");
        }
    }

    /**
     * The same training and {@code PREDICT} inside PostgreSQL (PL/Java), beside H2's figures above, and
     * the first call on a new connection: the backend starts its JVM and decodes the model.
     */
    private void inPostgres(int t) throws SQLException {
        System.out.printf("%nInside PostgreSQL (PL/Java): %s%n", postgres.replaceAll("password=[^&]*", "password=..."));
        Sqlnn.installInServer(Database.dataSource(postgres));
        ObjectNode pg = results.putObject("postgres");
        try (Connection c = DriverManager.getConnection(postgres)) {
            IdxReader.Digits train = IdxReader.bundledDigits(true);
            IdxReader.Digits test = IdxReader.bundledDigits(false);
            IdxTable.write(c, "bench_digits", train.images(), train.labels(), true);
            IdxTable.write(c, "bench_digits_test", test.images(), test.labels(), true);
            execute(c, "DROP TABLE IF EXISTS bench_digits_all");
            execute(c, "CREATE TABLE bench_digits_all AS SELECT * FROM bench_digits UNION ALL"
                    + " SELECT id + 8000, image, label FROM bench_digits_test");
            execute(c, "SELECT sqlnn.ml_drop(name) FROM (SELECT DISTINCT name FROM sqlnn.models WHERE name = 'bench') m");
            String options = String.format("{\"hidden\":[1024,512],\"epochs\":%d,\"batch_size\":64,\"optimizer\":\"adam\","
                    + "\"learning_rate\":0.001,\"validation_fraction\":0.1,\"threads\":%d}", epochs, t);
            execute(c, "SELECT sqlnn.ml_train('bench', 'SELECT image, label FROM bench_digits', '" + options + "')");
            double best = scalar(c, "SELECT max(rows_per_second) FROM sqlnn.training_log WHERE name = 'bench'");
            double h2 = results.path("training").path("best_rows_per_second").asDouble();
            pg.put("training_best_rows_per_second", best);
            System.out.printf("  ml_train, the founding network, best epoch of %d: %,.0f rows/s (%.2fx H2's)%n", epochs, best, best / h2);
            String sql = "SELECT count(sqlnn.predict('bench', image)) FROM bench_digits_all";
            double predict = rowsPerSecond(c, sql);
            pg.put("predict_rows_per_second", predict);
            System.out.printf("  %s: %,.0f rows/s (%.2fx H2's PREDICT)%n", sql, predict,
                    predict / results.path("predict_rows_per_second").asDouble());
        }
        long start = System.nanoTime();
        try (Connection fresh = DriverManager.getConnection(postgres)) {
            scalar(fresh, "SELECT sqlnn.predict('bench', image) FROM bench_digits_test WHERE id = 1");
        }
        double first = (System.nanoTime() - start) / 1e9;
        pg.put("first_call_seconds", first);
        System.out.printf("  first predict on a new connection (the backend starts its JVM): %.2f s%n", first);
    }

    /**
     * One epoch on 60,000 MNIST-shaped images: the 10,000 bundled digits and five shifted and rotated
     * copies of each, so that the rows are as sparse and as learnable as MNIST's. They live in an H2
     * file database in a temporary directory, as an application's would, so that the heap holds
     * what training needs and not the table; the heap's peak is reset just before the training.
     */
    private void sixtyThousand(int t) throws Exception {
        Path directory = Files.createTempDirectory("sqlnn-bench");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("bench"))) {
            Sqlnn.install(c);
            writeSixtyThousandDigits(c);
            System.gc(); // the images in memory and what writing the table left behind are not the training's
            resetPeakHeap();
            String options = String.format("{\"hidden\":[1024,512],\"epochs\":1,\"batch_size\":64,\"optimizer\":\"adam\","
                    + "\"learning_rate\":0.001,\"validation_fraction\":0.1,\"threads\":%d}", t);
            System.out.printf("%nTraining 784-1024-512-10 (Adam, batch 64) on 60,000 MNIST-shaped images"
                    + " (an H2 file database), 1 epoch%n");
            execute(c, "SELECT ML_TRAIN('bench60k', 'SELECT image, label FROM digits_60k', '" + options + "')");
            long heap = peakHeap();
            ObjectNode large = results.putObject("training_60k");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT SECONDS, ROWS_PER_SECOND, VALIDATION_METRIC FROM ML_TRAINING_INFO('bench60k')")) {
                rs.next();
                large.put("seconds_per_epoch", rs.getDouble(1)).put("rows_per_second", rs.getDouble(2))
                        .put("validation_accuracy", rs.getDouble(3));
                System.out.printf("  epoch 1: %6.2f s, %,8.0f rows/s, validation accuracy %.2f%%%n",
                        rs.getDouble(1), rs.getDouble(2), 100 * rs.getDouble(3));
            }
            large.put("peak_heap_mb", heap >> 20);
            large.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("  peak heap while reading and training: %,d MB (of -Xmx %,d MB)%n", heap >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
            execute(c, "DROP ALL OBJECTS DELETE FILES");
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void writeSixtyThousandDigits(Connection c) throws SQLException {
        IdxReader.Digits digits = sixtyThousandDigits();
        IdxTable.write(c, "DIGITS_60K", digits.images(), digits.labels());
    }

    /** The bundled 10,000 digits, then five copies shifted by up to 2 pixels and rotated by up to 10°. */
    private static IdxReader.Digits sixtyThousandDigits() {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        int width = train.images().pixelsPerImage();
        int base = train.count() + test.count();
        byte[] pixels = new byte[SIXTY_THOUSAND * width];
        byte[] labels = new byte[SIXTY_THOUSAND];
        System.arraycopy(train.images().pixels(), 0, pixels, 0, train.count() * width);
        System.arraycopy(test.images().pixels(), 0, pixels, train.count() * width, test.count() * width);
        System.arraycopy(train.labels(), 0, labels, 0, train.count());
        System.arraycopy(test.labels(), 0, labels, train.count(), test.count());
        ImageAugmenter augmenter = new ImageAugmenter(28, 28, 2, 10, 7);
        for (int row = base; row < SIXTY_THOUSAND; row++) {
            augmenter.augment(pixels, (row % base) * width, pixels, row * width, row / base, row);
            labels[row] = labels[row % base];
        }
        return new IdxReader.Digits(new IdxReader.Images(SIXTY_THOUSAND, 28, 28, pixels), labels);
    }

    /**
     * Rows/s of a COUNT query: the best of ten runs, after running it for two seconds first. A
     * 10,000-row query takes a fraction of a second, and the JIT needs a second or two of them to
     * compile the scoring path; without the warm-up the figure is mostly the compiler's.
     */
    private double rowsPerSecond(Connection c, String sql) throws SQLException {
        long warmUpEnd = System.nanoTime() + (quick ? 0L : 2_000_000_000L);
        for (int run = 0; run < (quick ? 1 : 3) || System.nanoTime() < warmUpEnd; run++) scalar(c, sql);
        double best = 0;
        for (int run = 0; run < (quick ? 1 : 10); run++) {
            long start = System.nanoTime();
            double rows = scalar(c, sql);
            best = Math.max(best, rows / ((System.nanoTime() - start) / 1e9));
        }
        return best;
    }

    /**
     * Rows/s of {@code clients} connections running the same COUNT query over and over at once, after
     * a warm-up: they share the engine's threads, so together they should do at least what one does.
     */
    private double concurrentRowsPerSecond(String url, int clients, String sql) throws SQLException {
        long runNanos = quick ? 100_000_000L : 5_000_000_000L;
        AtomicLong rows = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(clients + 1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                done.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(url)) {
                        scalar(c, sql); // warm this connection up
                        start.await();
                        long end = System.nanoTime() + runNanos;
                        while (System.nanoTime() < end) rows.addAndGet((long) scalar(c, sql));
                    }
                    return null;
                }));
            }
            start.await();
            long begin = System.nanoTime();
            for (var f : done) f.get();
            return rows.get() / ((System.nanoTime() - begin) / 1e9);
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("the concurrent clients were interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException failed ? failed : new SQLException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
        }
    }

    /** The largest heap use seen since start-up or the last reset, summed over heap pools (garbage included). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }
}

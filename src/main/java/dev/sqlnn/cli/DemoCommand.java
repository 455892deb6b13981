package dev.sqlnn.cli;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.TrainingProgress;
import dev.sqlnn.nn.EpochStats;
import dev.sqlnn.nn.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn demo}: the founding document's worked example, through SQL on an embedded H2 file
 * database. Loads the bundled MNIST digits, trains 784-1024-512-10 with Adam (batch 64, 5 epochs,
 * 10% validation), reports test accuracy and shows ten test digits with their predicted labels.
 */
@Command(name = "demo", description = "Train the MNIST demo network through SQL on an embedded H2 database.")
final class DemoCommand implements Callable<Integer> {

    static final String OPTIONS = "{\"hidden\":[1024,512],\"activation\":\"relu\",\"epochs\":%d,\"batch_size\":64,"
            + "\"optimizer\":\"adam\",\"learning_rate\":0.001,\"validation_fraction\":0.1,\"seed\":%d}";

    @Option(names = "--url", description = "JDBC URL (default: ${DEFAULT-VALUE})", defaultValue = "jdbc:h2:./sqlnn-demo")
    String url;

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int epochs;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (Database.isClientSide(url)) {
            throw new CommandFailure("the demo trains through sqlnn's H2 functions, in an H2 database of its own (leave"
                    + " out --url, or give a jdbc:h2: one); on PostgreSQL, use import, train, predict and eval instead,"
                    + " as README.md's section \"From a client JVM\" shows");
        }
        try (Connection c = Database.open(url)) {
            out.println("sqlnn demo on " + url);
            out.println(query(c, "SELECT ML_INFO()"));
            loadDigits(c);
            train(c);
            testAccuracy(c);
            showDigits(c);
        }
        return 0;
    }

    private void loadDigits(Connection c) throws SQLException {
        long start = System.nanoTime();
        IdxReader.Digits training = IdxReader.bundledDigits(true);
        int train = IdxTable.write(c, "DIGITS", training.images(), training.labels());
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        int tested = IdxTable.write(c, "DIGITS_TEST", test.images(), test.labels());
        out.printf("Loaded %,d training and %,d test digits into DIGITS and DIGITS_TEST (%.1f s)%n",
                train, tested, (System.nanoTime() - start) / 1e9);
    }

    private void train(Connection c) throws SQLException {
        String options = String.format(OPTIONS, epochs, seed);
        out.println();
        out.println("SELECT ML_TRAIN('digits_mlp', 'SELECT image, label FROM digits', '" + options + "');");
        out.println();
        out.println("epoch  train loss  val loss  val accuracy  rows/s   seconds");
        TrainingListener progress = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats s) {
                out.printf("%5d  %10.4f  %8.4f  %11.2f%%  %7.0f  %7.1f%n", s.epoch(), s.trainLoss(),
                        s.validationLoss(), 100 * s.validationMetric(), s.rowsPerSecond(), s.seconds());
            }
        };
        TrainingProgress.add(progress);
        try (PreparedStatement p = c.prepareStatement("SELECT ML_TRAIN('digits_mlp', 'SELECT image, label FROM digits', ?)")) {
            p.setString(1, options);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                out.println("Saved digits_mlp version " + rs.getLong(1) + " in SQLNN.MODELS");
            }
        } finally {
            TrainingProgress.remove(progress);
        }
    }

    private void testAccuracy(Connection c) throws SQLException {
        long start = System.nanoTime();
        String sql = "SELECT COUNT(*), SUM(CASE WHEN PREDICT('digits_mlp', image) = label THEN 1 ELSE 0 END) FROM digits_test";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long rows = rs.getLong(1);
            long correct = rs.getLong(2);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println();
            out.println(sql + ";");
            out.printf("Test accuracy: %.2f%% (%,d of %,d), scored at %,.0f rows/s "
                            + "(a first, cold query: `bin/sqlnn bench` measures PREDICT warmed up)%n",
                    100.0 * correct / rows, correct, rows, rows / seconds);
        }
    }

    private void showDigits(Connection c) throws SQLException {
        String sql = "SELECT id, image, label, PREDICT('digits_mlp', image) AS predicted FROM digits_test ORDER BY id LIMIT 10";
        out.println();
        out.println(sql + ";");
        out.println();
        List<String[]> pictures = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                pictures.add(DigitPicture.render(rs.getBytes(2), 28, 28));
                int label = rs.getInt(3);
                int predicted = rs.getInt(4);
                captions.add(String.format("predicted %d, true %d%s", predicted, label, predicted == label ? "" : " ✗"));
            }
        }
        for (int from = 0; from < pictures.size(); from += 5) {
            int to = Math.min(pictures.size(), from + 5);
            for (int line = 0; line < pictures.get(from).length; line++) {
                StringBuilder sb = new StringBuilder();
                for (int i = from; i < to; i++) sb.append(pictures.get(i)[line]).append("   ");
                out.println(sb.toString().stripTrailing());
            }
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < to; i++) sb.append(String.format("%-31s", captions.get(i)));
            out.println(sb.toString().stripTrailing());
            out.println();
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

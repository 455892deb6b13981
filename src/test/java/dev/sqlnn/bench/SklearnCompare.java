package dev.sqlnn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.CsvImporter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * sqlnn's side of {@code bench/sklearn-compare}: for every {@code <task>/seed<k>/} folder that
 * {@code bench/sklearn_compare.py} wrote, imports {@code train.csv} and {@code test.csv} into an
 * in-memory H2 ({@link CsvImporter}: columns typed by content, an empty cell NULL), trains with
 * sqlnn's defaults ({@code ML_TRAIN('t_<task>_<k>', 'SELECT * FROM TRAIN', '{"label":"label"}')}: the
 * label is the only option) and measures the model on the test rows with {@code ML_EVALUATE}. Writes
 * one JSON line per task and seed to {@code <folder>/sqlnn.jsonl}: accuracy and macro F1 or R² (every
 * overall figure of ML_EVALUATE), the wall-clock seconds of the ML_TRAIN statement, or the error of
 * a task that failed (the others go on). Before the first timed training, one untimed training on
 * the first task's first split lets the JIT compile the training code, so the first task's seconds
 * are not the JVM's warm-up. Not a test; run by bench/sklearn-compare.
 *
 * <p>To see what another option would change, a second argument adds options to the label (e.g.
 * {@code '"epochs":200'}) and a third names the output file instead of {@code sqlnn.jsonl}; the
 * README's table is made with the label alone.
 *
 * <pre>SklearnCompare [folder, default target/sklearn-compare [extra options [output file]]]</pre>
 */
public final class SklearnCompare {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SklearnCompare() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "target/sklearn-compare");
        String extra = args.length > 1 && !args[1].isBlank() ? args[1].strip() : null;
        String options = "{\"label\":\"label\"" + (extra == null ? "" : "," + extra) + "}";
        JSON.readTree(options); // a bad extra is refused here, not by every training
        Path output = root.resolve(args.length > 2 ? args[2] : "sqlnn.jsonl");
        List<String> order = taskOrder(root);
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:sklearn_compare;DB_CLOSE_DELAY=-1");
             Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            Sqlnn.install(h2);
            if (!order.isEmpty()) {
                ObjectNode warmUp = run(h2, order.getFirst(), seeds(root.resolve(order.getFirst())).getFirst(), options, "warm_up");
                System.out.println("sqlnn warm-up (not recorded) " + summary(warmUp) + "; options " + options);
            }
            for (String task : order) {
                for (Path seed : seeds(root.resolve(task))) {
                    ObjectNode line = run(h2, task, seed, options, "t_" + task + "_" + number(seed));
                    out.write(JSON.writeValueAsString(line) + "\n");
                    out.flush();
                    System.out.println("sqlnn " + summary(line));
                }
            }
        }
    }

    /** The tasks in tasks.json's order. */
    private static List<String> taskOrder(Path root) throws IOException {
        var tasks = JSON.readTree(root.resolve("tasks.json").toFile()).get("tasks");
        return Stream.iterate(0, i -> i < tasks.size(), i -> i + 1).map(i -> tasks.get(i).get("task").asText()).toList();
    }

    private static List<Path> seeds(Path task) throws IOException {
        try (Stream<Path> folders = Files.list(task)) {
            return folders.filter(p -> p.getFileName().toString().matches("seed[0-9]+"))
                    .sorted((a, b) -> Integer.compare(number(a), number(b))).toList();
        }
    }

    private static int number(Path seedFolder) {
        return Integer.parseInt(seedFolder.getFileName().toString().substring("seed".length()));
    }

    private static ObjectNode run(Connection h2, String task, Path folder, String options, String model) {
        ObjectNode line = JSON.createObjectNode().put("task", task).put("seed", number(folder)).put("options", options);
        try {
            line.put("train_rows", CsvImporter.importFile(h2, "TRAIN", folder.resolve("train.csv"), true));
            line.put("test_rows", CsvImporter.importFile(h2, "TEST", folder.resolve("test.csv"), true));
            long start = System.nanoTime();
            long version;
            try (PreparedStatement train = h2.prepareStatement("SELECT ML_TRAIN(?, 'SELECT * FROM TRAIN', ?)")) {
                train.setString(1, model);
                train.setString(2, options);
                try (ResultSet rs = train.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            line.put("train_seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
            line.put("version", version);
            try (Statement s = h2.createStatement();
                 ResultSet rs = s.executeQuery("SELECT TASK, TRAIN_SECONDS FROM SQLNN.MODELS WHERE NAME = '" + model
                         + "' AND VERSION = " + version)) {
                if (rs.next()) {
                    line.put("task_kind", rs.getString(1));
                    line.put("sqlnn_train_seconds", rs.getDouble(2));
                }
            }
            try (PreparedStatement evaluate = h2.prepareStatement(
                    "SELECT METRIC, SCORE FROM ML_EVALUATE(?, 'SELECT * FROM TEST') WHERE CLASS IS NULL")) {
                evaluate.setString(1, model);
                try (ResultSet rs = evaluate.executeQuery()) {
                    while (rs.next()) {
                        double score = rs.getDouble(2);
                        if (rs.wasNull()) line.putNull(rs.getString(1).toLowerCase(Locale.ROOT));
                        else line.put(rs.getString(1).toLowerCase(Locale.ROOT), score);
                    }
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            // H2 appends "; SQL statement:" and the statement on lines of their own: the first line says it.
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    .replaceFirst("; SQL statement:$", "");
            line.put("error", message);
            if (e instanceof SQLException sql) line.put("sqlstate", sql.getSQLState());
        }
        return line;
    }

    private static String summary(ObjectNode line) {
        StringBuilder s = new StringBuilder(line.get("task").asText()).append(" seed ").append(line.get("seed").asInt()).append(": ");
        if (line.has("error")) return s.append("FAILED ").append(line.get("error").asText()).toString();
        for (String metric : List.of("accuracy", "f1_macro", "r2")) {
            if (line.hasNonNull(metric)) s.append(String.format(Locale.ROOT, "%s %.4f, ", metric, line.get(metric).asDouble()));
        }
        return s.append(String.format(Locale.ROOT, "(%.1f s)", line.get("train_seconds").asDouble())).toString();
    }
}

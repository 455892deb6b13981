package dev.sqlnn.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlnn.cli.report.ReportData.Epoch;
import dev.sqlnn.cli.report.ReportData.Roc;
import dev.sqlnn.cli.report.ReportData.Sample;
import dev.sqlnn.cli.report.ReportData.Score;
import dev.sqlnn.cli.report.ReportData.Version;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a report's figures through sqlnn's SQL functions, as any SQL client could: the versions from
 * {@code SQLNN.MODELS}, the training log from {@code ML_TRAINING_INFO}, and {@code ML_EVALUATE},
 * {@code ML_CONFUSION_MATRIX}, {@code ML_ROC_CURVE}, {@code ML_PREDICT} and {@code ML_EXPLAIN_PREDICT} on the query.
 */
public final class ReportQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final String model;
    private final String query;

    private ReportQueries(Connection connection, String model, String query) {
        this.connection = connection;
        this.model = model;
        this.query = query;
    }

    /**
     * Reads a report on one version of a model (its deployed version when {@code version} is null, else
     * its newest) evaluated on the rows of {@code query}, with up to {@code images} rows shown as images.
     *
     * @throws IllegalArgumentException when the model or version does not exist
     */
    public static ReportData load(Connection connection, String model, Long version, String query, int images)
            throws SQLException {
        return new ReportQueries(connection, model, query).load(version, images);
    }

    private ReportData load(Long requested, int images) throws SQLException {
        List<Version> versions = new ArrayList<>();
        Map<Long, Detail> details = new LinkedHashMap<>();
        readVersions(versions, details);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("model " + model + " does not exist; list the models with: sqlnn models");
        }
        Version chosen = choose(versions, requested);
        Detail detail = details.get(chosen.version());
        List<String> notes = new ArrayList<>();
        Version deployed = versions.stream().filter(Version::deployed).findFirst().orElse(null);
        if (deployed != null && deployed.version() != chosen.version()) {
            notes.add("The figures on the query come from ML_EVALUATE, ML_CONFUSION_MATRIX, ML_ROC_CURVE and ML_PREDICT, "
                    + "which use the deployed version " + deployed.version() + "; the training curves are version "
                    + chosen.version() + "'s.");
        }
        List<String> classes = new ArrayList<>(detail.classes());
        List<Score> scores = scores();
        long[][] confusion = new long[0][0];
        List<Roc> roc = new ArrayList<>();
        if (chosen.isClassifier()) {
            confusion = confusion(classes);
            for (String c : classes) roc.add(roc(c));
        }
        List<Sample> samples = chosen.isClassifier() ? samples(chosen, detail.label(), images) : List.of();
        return new ReportData(model, chosen, versions, query, epochs(chosen.version()), scores, classes, confusion, roc,
                samples, notes, OffsetDateTime.now());
    }

    /** What a version's row says beyond {@link Version}: its classes, and its label column when named in the options. */
    private record Detail(List<String> classes, String label) {
    }

    private void readVersions(List<Version> versions, Map<Long, Detail> details) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT VERSION, DEPLOYED, TASK, LAYERS, INPUT_WIDTH, "
                + "TRAIN_ROWS, TRAIN_SECONDS, CREATED_AT, METRICS, CLASSES, OPTIONS FROM SQLNN.MODELS WHERE NAME = ? "
                + "ORDER BY VERSION")) {
            p.setString(1, model);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    JsonNode metrics = json(rs.getString(9));
                    Map<String, Double> numbers = new LinkedHashMap<>();
                    if (metrics != null) {
                        metrics.properties().forEach(e -> {
                            if (e.getValue().isNumber()) numbers.put(e.getKey(), e.getValue().asDouble());
                        });
                    }
                    long version = rs.getLong(1);
                    versions.add(new Version(version, rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getLong(6), rs.getDouble(7), rs.getObject(8, OffsetDateTime.class),
                            metrics == null ? null : text(metrics.get("evaluated_on")), numbers));
                    JsonNode options = json(rs.getString(11));
                    details.put(version, new Detail(classes(json(rs.getString(10))),
                            options == null ? null : text(options.get("label"))));
                }
            }
        }
    }

    private Version choose(List<Version> versions, Long requested) {
        if (requested != null) {
            return versions.stream().filter(v -> v.version() == requested).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model " + model + " has no version " + requested
                            + " (versions: " + versions.stream().map(Version::version).toList() + ")"));
        }
        return versions.stream().filter(Version::deployed).findFirst().orElse(versions.get(versions.size() - 1));
    }

    private List<Epoch> epochs(long version) throws SQLException {
        List<Epoch> epochs = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT EPOCH, TRAIN_LOSS, VALIDATION_LOSS, "
                + "VALIDATION_METRIC, SECONDS, ROWS_PER_SECOND FROM ML_TRAINING_INFO(?, ?) ORDER BY EPOCH")) {
            p.setString(1, model);
            p.setLong(2, version);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    epochs.add(new Epoch(rs.getInt(1), rs.getDouble(2), orNaN(rs, 3), orNaN(rs, 4), rs.getDouble(5),
                            rs.getDouble(6)));
                }
            }
        }
        return epochs;
    }

    private List<Score> scores() throws SQLException {
        List<Score> scores = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT METRIC, CLASS, SCORE FROM ML_EVALUATE(?, ?)")) {
            p.setString(1, model);
            p.setString(2, query);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) scores.add(new Score(rs.getString(1), rs.getString(2), orNaN(rs, 3)));
            }
        }
        return scores;
    }

    /** The confusion matrix; labels the query has and the model does not are added to {@code classes}. */
    private long[][] confusion(List<String> classes) throws SQLException {
        List<String[]> cells = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT ACTUAL, PREDICTED, COUNT FROM ML_CONFUSION_MATRIX(?, ?)")) {
            p.setString(1, model);
            p.setString(2, query);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    cells.add(new String[] {rs.getString(1), rs.getString(2)});
                    counts.add(rs.getLong(3));
                }
            }
        }
        for (String[] cell : cells) {
            for (String label : cell) {
                if (label != null && !classes.contains(label)) classes.add(label);
            }
        }
        long[][] matrix = new long[classes.size()][classes.size()];
        for (int k = 0; k < cells.size(); k++) {
            int i = classes.indexOf(cells.get(k)[0]);
            int j = classes.indexOf(cells.get(k)[1]);
            if (i >= 0 && j >= 0) matrix[i][j] += counts.get(k);
        }
        return matrix;
    }

    private Roc roc(String className) throws SQLException {
        List<double[]> points = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT FPR, TPR FROM ML_ROC_CURVE(?, ?, ?)")) {
            p.setString(1, model);
            p.setString(2, query);
            p.setString(3, className);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) points.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
            }
        }
        double[] fpr = new double[points.size()];
        double[] tpr = new double[points.size()];
        for (int i = 0; i < fpr.length; i++) {
            fpr[i] = points.get(i)[0];
            tpr[i] = points.get(i)[1];
        }
        return new Roc(className, fpr, tpr);
    }

    /**
     * The first rows of the query with their predictions, when the model reads a square image: a
     * VARBINARY column of {@code side²} bytes, where {@code side²} is the model's input width.
     */
    private List<Sample> samples(Version version, String labelColumn, int limit) throws SQLException {
        int side = (int) Math.round(Math.sqrt(version.inputWidth()));
        if (limit <= 0 || side * side != version.inputWidth() || side < 2) return List.of();
        List<Sample> samples = new ArrayList<>();
        String imageColumn;
        // Literals, not parameters: H2 asks ML_PREDICT for its columns when it prepares the call, and the
        // columns depend on the query.
        String rows = "SELECT * FROM (" + query + ") AS REPORT_ROWS LIMIT " + limit;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM ML_PREDICT(" + literal(model) + ", " + literal(rows) + ")")) {
            Columns columns = Columns.of(rs.getMetaData(), labelColumn);
            if (columns == null) return List.of();
            while (rs.next()) {
                Object pixels = rs.getObject(columns.image);
                if (!(pixels instanceof byte[] bytes) || bytes.length != side * side) return List.of();
                String actual = columns.label > 0 ? rs.getString(columns.label) : null;
                double probability = columns.probability > 0 ? orNaN(rs, columns.probability) : Double.NaN;
                samples.add(new Sample(bytes, side, actual, rs.getString(columns.prediction), probability));
            }
            imageColumn = rs.getMetaData().getColumnLabel(columns.image);
        }
        return withAttributionMaps(samples, rows, imageColumn, side);
    }

    /**
     * The samples with each pixel's attribution to its predicted class, from {@code ML_EXPLAIN_PREDICT} on
     * the same rows numbered in their order; as they were when a row does not come back with the same
     * image (a query without a stable order) or the database has no {@code ML_EXPLAIN_PREDICT} (an older
     * install): the maps are an addition to the page, never a reason to fail it.
     */
    private List<Sample> withAttributionMaps(List<Sample> samples, String rows, String imageColumn, int side) {
        if (samples.isEmpty()) return samples;
        String numbered = "SELECT ROW_NUMBER() OVER () AS SQLNN_REPORT_ROW, " + identifier(imageColumn) + " FROM ("
                + rows + ") AS REPORT_SAMPLES";
        double[][] maps = new double[samples.size()][];
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT SQLNN_REPORT_ROW, CASE WHEN RANK = 1 THEN " + identifier(imageColumn)
                     + " END, FEATURE, ATTRIBUTION FROM ML_EXPLAIN_PREDICT(" + literal(model) + ", " + literal(numbered)
                     + ", " + side * side + ")")) {
            while (rs.next()) {
                int row = rs.getInt(1) - 1;
                if (row < 0 || row >= maps.length) return samples;
                byte[] image = rs.getBytes(2);
                if (image != null && !java.util.Arrays.equals(image, samples.get(row).pixels())) return samples;
                String[] rc = rs.getString(3).split("_"); // pixel_r_c
                if (maps[row] == null) maps[row] = new double[side * side];
                maps[row][Integer.parseInt(rc[1]) * side + Integer.parseInt(rc[2])] = rs.getDouble(4);
            }
        } catch (SQLException | RuntimeException e) {
            return samples;
        }
        List<Sample> mapped = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) mapped.add(samples.get(i).withAttributions(maps[i]));
        return mapped;
    }

    private static String identifier(String label) {
        return "\"" + label.replace("\"", "\"\"") + "\"";
    }

    /** Where ML_PREDICT's result has the image, the true label, the prediction and its probability (1-based; 0: none). */
    private record Columns(int image, int label, int prediction, int probability) {
        static Columns of(ResultSetMetaData meta, String labelColumn) throws SQLException {
            int prediction = 0;
            int probability = 0;
            int image = 0;
            int label = 0;
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                String name = meta.getColumnLabel(c);
                if (name.equalsIgnoreCase("PREDICTION")) prediction = c;
                else if (name.equalsIgnoreCase("PROBABILITY")) probability = c;
                else if (labelColumn != null && name.equalsIgnoreCase(labelColumn)) label = c;
                else if (image == 0 && isBinary(meta.getColumnType(c))) image = c;
            }
            if (prediction == 0 || image == 0) return null;
            if (label == 0 && labelColumn == null && prediction > 1 && prediction - 1 != image) label = prediction - 1;
            return new Columns(image, label, prediction, probability);
        }

        private static boolean isBinary(int sqlType) {
            return sqlType == java.sql.Types.VARBINARY || sqlType == java.sql.Types.BINARY
                    || sqlType == java.sql.Types.LONGVARBINARY || sqlType == java.sql.Types.BLOB;
        }
    }

    private static List<String> classes(JsonNode array) {
        List<String> classes = new ArrayList<>();
        if (array != null && array.isArray()) array.forEach(c -> classes.add(c.asText()));
        return classes;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static JsonNode json(String text) {
        if (text == null) return null;
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null; // not sqlnn's own JSON: leave the figure out
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static double orNaN(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }
}

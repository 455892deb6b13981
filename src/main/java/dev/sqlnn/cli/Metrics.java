package dev.sqlnn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a version's {@code SQLNN.MODELS.METRICS} JSON, for tables and summaries. */
final class Metrics {

    /** The figures worth a column, in this order, when a version has them. */
    static final List<String> KEY_METRICS = List.of("accuracy", "f1_macro", "roc_auc", "log_loss", "r2", "mse", "mae");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Metrics() {
    }

    /** Every numeric figure, in the JSON's order; empty for NULL or JSON that does not parse. */
    static Map<String, Double> numbers(String json) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (json == null) return figures;
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null) return figures;
            node.properties().forEach(e -> {
                if (e.getValue().isNumber()) figures.put(e.getKey(), e.getValue().asDouble());
            });
        } catch (JsonProcessingException e) {
            // a METRICS value sqlnn did not write: show no figures rather than fail the listing
        }
        return figures;
    }

    /** The text value of a key, e.g. {@code evaluated_on}; null when absent. */
    static String text(String json, String key) {
        if (json == null) return null;
        try {
            JsonNode node = JSON.readTree(json);
            JsonNode value = node == null ? null : node.get(key);
            return value != null && value.isTextual() ? value.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** {@code validation: accuracy 0.9512, f1_macro 0.9501, log_loss 0.1702}. */
    static String summary(String json) {
        Map<String, Double> figures = numbers(json);
        List<String> parts = new ArrayList<>();
        for (String key : KEY_METRICS) {
            Double v = figures.get(key);
            if (v != null) parts.add(key + " " + String.format(Locale.ROOT, "%.4f", v));
        }
        if (parts.isEmpty()) return "";
        String on = text(json, "evaluated_on");
        return (on != null ? "On its " + on + " rows: " : "Metrics: ") + String.join(", ", parts);
    }
}

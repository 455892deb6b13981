package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code class_weight} through {@code ML_TRAIN}: on a table where one class is 5% of the rows and
 * overlaps the other, an unweighted model mostly answers the common class; weighing the rare one up
 * ({@code balanced}, or a map) finds far more of its rows. Bad weights are {@code 22023}, unwritten.
 */
class ClassWeightSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "SELECT a, b, label FROM claims";
    private static final String TEST = "SELECT a, b, label FROM claims_test";
    private static final String OPTIONS = "{\"hidden\":[16],\"epochs\":20,\"learning_rate\":0.01";

    /**
     * {@code table(A, B, LABEL)}: {@code rare} out of every 100 rows (spread evenly) are "fraud",
     * around (1.2, 1.2), the others "ok" around (0, 0), both with deviation 1: the classes overlap.
     */
    private void createClaims(String table, int rows, int rare, long seed) throws SQLException {
        execute("CREATE TABLE " + table + " (ID INT PRIMARY KEY, A DOUBLE PRECISION, B DOUBLE PRECISION, LABEL VARCHAR(5))");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                boolean fraud = i % 100 < rare;
                double centre = fraud ? 1.2 : 0;
                insert.setInt(1, i + 1);
                insert.setDouble(2, centre + random.nextGaussian());
                insert.setDouble(3, centre + random.nextGaussian());
                insert.setString(4, fraud ? "fraud" : "ok");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** ML_EVALUATE's rows: overall by metric name, per class as {@code recall/fraud}. */
    private Map<String, Double> evaluate(String model) throws SQLException {
        Map<String, Double> metrics = new HashMap<>();
        for (Object[] row : rows("SELECT metric, class, score FROM ML_EVALUATE(?, ?)", model, TEST)) {
            metrics.put(row[1] == null ? (String) row[0] : row[0] + "/" + row[1], (Double) row[2]);
        }
        return metrics;
    }

    /**
     * Unweighted, the model finds about a tenth of the fraud (seen: recall 0.11); balanced, most of it
     * (0.78), at some cost to the common class. Balanced weighs fraud 2000 / (2 × 100) = 10 and ok
     * 2000 / (2 × 1900) = 0.526, a ratio of 19; the mean loss divides by the weights' sum, so only
     * ratios matter and {@code {"fraud": 19}} (ok at 1) trains the same model up to float rounding.
     */
    @Test
    void weighingTheRareClassUpFindsMoreOfIt() throws Exception {
        createClaims("claims", 2000, 5, 11);
        createClaims("claims_test", 2000, 50, 12); // as many of each: recall per class is what matters
        train("plain", QUERY, OPTIONS + "}");
        train("balanced", QUERY, OPTIONS + ",\"class_weight\":\"balanced\"}");
        train("mapped", QUERY, OPTIONS + ",\"class_weight\":{\"fraud\":19}}");
        Map<String, Double> plain = evaluate("plain");
        Map<String, Double> balanced = evaluate("balanced");
        Map<String, Double> mapped = evaluate("mapped");

        assertTrue(plain.get("recall/fraud") < 0.4, () -> "unweighted, the rare class is mostly missed: " + plain);
        assertTrue(balanced.get("recall/fraud") > plain.get("recall/fraud") + 0.3,
                () -> "balanced " + balanced + "\nunweighted " + plain);
        assertTrue(balanced.get("recall_macro") > plain.get("recall_macro") + 0.1,
                () -> "balanced " + balanced + "\nunweighted " + plain);
        assertEquals(balanced.get("recall/fraud"), mapped.get("recall/fraud"), 0.01, () -> "mapped " + mapped);
        assertEquals(balanced.get("recall/ok"), mapped.get("recall/ok"), 0.01, () -> "mapped " + mapped);

        // The weights are a training matter: the options keep them, the model's blob has nothing more.
        assertEquals("balanced", JSON.readTree((byte[]) value("SELECT options FROM SQLNN.MODELS WHERE name = 'balanced'"))
                .get("class_weight").asText());
        assertEquals(value("SELECT OCTET_LENGTH(weights) FROM SQLNN.MODELS WHERE name = 'plain'"),
                value("SELECT OCTET_LENGTH(weights) FROM SQLNN.MODELS WHERE name = 'balanced'"));
    }

    @Test
    void badWeightsAreRefusedAndNothingIsWritten() throws Exception {
        createClaims("claims", 300, 5, 11);
        train("kept", QUERY, OPTIONS + "}"); // something for a failed call to leave alone
        String expected = "option 'class_weight' must be \"balanced\", an object of positive weights by class";
        assertTrainingFails("22023", QUERY, "{\"class_weight\":{\"fraud\":0}}", expected, "got weight 0.0 for class fraud");
        assertTrainingFails("22023", QUERY, "{\"class_weight\":{\"fraud\":-2}}", expected, "got weight -2.0 for class fraud");
        assertTrainingFails("22023", QUERY, "{\"class_weight\":\"heavy\"}", expected, "got \"heavy\"");
        assertTrainingFails("22023", QUERY, "{\"class_weight\":{}}", expected);
        assertTrainingFails("22023", QUERY, "{\"class_weight\":{\"fraud\":\"high\"}}", expected);
        assertTrainingFails("22023", QUERY, "{\"class_weight\":{\"theft\":3}}",
                "option 'class_weight' names class \"theft\", which the label column does not have;"
                        + " its classes are fraud, ok");

        createPlane("plane", 100, 3);
        assertTrainingFails("22023", "SELECT a, b, y FROM plane", "{\"class_weight\":\"balanced\"}",
                "option 'class_weight' needs classes to weigh", "a regression");
        assertTrainingFails("22023", QUERY, "{\"task\":\"regression\",\"class_weight\":{\"fraud\":2}}",
                "option 'class_weight' needs classes to weigh", "task regression");
        assertEquals(1, count("SELECT COUNT(*) FROM SQLNN.MODELS"));
    }
}

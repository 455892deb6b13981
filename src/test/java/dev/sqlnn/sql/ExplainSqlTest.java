package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ML_EXPLAIN_PREDICT} and {@code ML_GLOBAL_EXPLAIN} through SQL, on models trained in SQL: a
 * digits classifier (the bundled MNIST) and a price regression on houses with text, CHAR, BOOLEAN
 * columns and NULLs.
 *
 * <p>The central check is completeness, the property that makes integrated gradients' numbers mean
 * something: over all of a row's features, the attributions add up to the explained output minus
 * the output at the baseline ({@code PROBABILITY - BASELINE}, or {@code PREDICTION - BASELINE}),
 * within 1%. A wrong gradient, a wrong baseline or a wrong scale (label units) breaks it.
 */
class ExplainSqlTest extends SqlTestSupport {

    private static final double COMPLETENESS = 0.01;

    // ---------------------------------------------------------------- digits

    @Test
    void digitAttributionsAddUpToTheChangeFromABlackImageAndNamePixels() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels());
        train("digits", "SELECT image, label FROM digits", "{\"hidden\":[32],\"epochs\":2,\"learning_rate\":0.003}");

        String rowsExplained = "SELECT id, image FROM digits_test WHERE id <= 40";
        List<Object[]> all = rows("SELECT id, prediction, probability, baseline, rank, feature, attribution"
                + " FROM ML_EXPLAIN_PREDICT('digits', " + quote(rowsExplained) + ", 784) ORDER BY id, rank");
        assertEquals(40 * 784, all.size(), "every pixel of every row, with top_k = 784");
        Map<Integer, Double> sums = new TreeMap<>();
        Map<Integer, Object[]> first = new HashMap<>();
        for (Object[] r : all) {
            sums.merge((Integer) r[0], (Double) r[6], Double::sum);
            first.putIfAbsent((Integer) r[0], r);
        }
        double worst = 0;
        for (Map.Entry<Integer, Double> row : sums.entrySet()) {
            Object[] r = first.get(row.getKey());
            double change = (Double) r[2] - (Double) r[3];
            double relative = Math.abs(row.getValue() - change) / Math.abs(change);
            worst = Math.max(worst, relative);
            assertTrue(relative <= COMPLETENESS, () -> "row " + row.getKey() + ": attributions sum to " + row.getValue()
                    + ", PROBABILITY - BASELINE is " + change);
        }
        System.out.printf("digits: completeness misses by at most %.2e of PROBABILITY - BASELINE over %d rows%n",
                worst, sums.size());

        // The baseline is the black image: BASELINE is its probability of the predicted class.
        String black = "X'" + "00".repeat(784) + "'";
        assertEquals(0, count("SELECT COUNT(*) FROM ML_EXPLAIN_PREDICT('digits', " + quote(rowsExplained) + ") e"
                + " WHERE ABS(e.baseline - PREDICT_PROBA('digits', " + black + ")[e.prediction + 1]) > 1e-6"));
        // PREDICTION and PROBABILITY are ML_PREDICT's.
        assertEquals(0, count("SELECT COUNT(*) FROM ML_EXPLAIN_PREDICT('digits', " + quote(rowsExplained) + ") e"
                + " JOIN ML_PREDICT('digits', " + quote(rowsExplained) + ") p ON p.id = e.id"
                + " WHERE p.prediction <> e.prediction OR p.probability <> e.probability"));
        // A black pixel is at the baseline already: its attribution is 0, whatever its gradient; and
        // pixel_r_c is the byte at r × 28 + c.
        Map<Integer, byte[]> images = new HashMap<>();
        for (Object[] r : rows(rowsExplained)) images.put((Integer) r[0], (byte[]) r[1]);
        int lit = 0;
        for (Object[] r : all) {
            String[] rc = ((String) r[5]).split("_");
            int pixel = images.get((Integer) r[0])[Integer.parseInt(rc[1]) * 28 + Integer.parseInt(rc[2])] & 0xFF;
            if (pixel == 0) assertEquals(0.0, (Double) r[6], () -> r[5] + " of row " + r[0] + " is black");
            else lit++;
        }
        assertTrue(lit > 40 * 80, "lit pixels: " + lit);

        // By default, the 5 largest by absolute value, ranked 1 to 5.
        List<Object[]> top = rows("SELECT id, rank, feature, attribution FROM ML_EXPLAIN_PREDICT('digits',"
                + " 'SELECT id, image FROM digits_test WHERE id = 1') ORDER BY rank");
        assertEquals(5, top.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, top.get(i)[1]);
            assertTrue(((String) top.get(i)[2]).matches("pixel_\\d{1,2}_\\d{1,2}"), (String) top.get(i)[2]);
            if (i > 0) assertTrue(Math.abs((Double) top.get(i)[3]) <= Math.abs((Double) top.get(i - 1)[3]));
        }
        assertEquals(top.get(0)[2], all.stream().filter(r -> (Integer) r[0] == 1 && (Integer) r[4] == 1)
                .findFirst().orElseThrow()[5], "top_k takes the first of the full ranking");

        // Globally: one row per pixel, the mean of the per-row absolute attributions, largest first.
        List<Object[]> global = rows("SELECT rank, feature, mean_abs_attribution FROM ML_GLOBAL_EXPLAIN('digits', "
                + quote(rowsExplained) + ")");
        assertEquals(784, global.size());
        Map<String, Double> meanAbs = new HashMap<>();
        for (Object[] r : all) meanAbs.merge((String) r[5], Math.abs((Double) r[6]) / 40, Double::sum);
        for (int i = 0; i < global.size(); i++) {
            assertEquals(i + 1, global.get(i)[0]);
            assertEquals(meanAbs.get((String) global.get(i)[1]), (Double) global.get(i)[2], 1e-9);
            if (i > 0) assertTrue((Double) global.get(i)[2] <= (Double) global.get(i - 1)[2]);
        }
        assertEquals(0.0, (Double) global.get(783)[2], "a corner pixel, black in every digit, explains nothing");
    }

    // ---------------------------------------------------------------- tabular

    private static final String FEATURES = "region, plan, has_garden, rooms, area";

    /** The new houses with every 7th region NULL and every 11th unseen in training. */
    private static final String NEW_HOUSES = "SELECT id, CASE WHEN MOD(id, 7) = 0 THEN NULL WHEN MOD(id, 11) = 0"
            + " THEN 'atlantis' ELSE region END AS region, plan, has_garden, rooms, area FROM new_houses";

    @Test
    void tabularAttributionsAddUpInTheLabelsUnitsAndNameEachCategory() throws SQLException {
        createHouses("houses", 1200, 1);
        createHouses("new_houses", 120, 2);
        train("price", "SELECT " + FEATURES + ", price FROM houses",
                "{\"hidden\":[32],\"epochs\":60,\"learning_rate\":0.01,\"label\":\"price\"}");

        List<Object[]> all = rows("SELECT id, region, rooms, prediction, baseline, rank, feature, attribution"
                + " FROM ML_EXPLAIN_PREDICT('price', " + quote(NEW_HOUSES) + ", 100) ORDER BY id, rank");
        assertEquals(120 * 16, all.size(), "16 inputs: 4 regions + other + NULL, 2 plans + 2, 2 booleans + 2, 2 numbers");
        Set<String> names = new HashSet<>();
        Map<Integer, Double> sums = new TreeMap<>();
        Map<Integer, Object[]> first = new HashMap<>();
        double worst = 0;
        for (Object[] r : all) {
            names.add((String) r[6]);
            sums.merge((Integer) r[0], (Double) r[7], Double::sum);
            first.putIfAbsent((Integer) r[0], r);
            String region = (String) r[1];
            String feature = (String) r[6];
            double attribution = (Double) r[7];
            // A one-hot input that is 0 in the row is at the baseline: only the row's own slot can count.
            if (feature.startsWith("REGION=")) {
                String own = region == null ? "(NULL)" : region.equals("atlantis") ? "(other)" : region;
                if (!feature.equals("REGION=" + own)) assertEquals(0.0, attribution, feature + " of row " + r[0]);
            }
            // A NULL number is imputed with its training mean, which standardising puts at the baseline.
            if (feature.equals("ROOMS") && r[2] == null) assertEquals(0.0, attribution, 1e-3, "imputed rooms of row " + r[0]);
        }
        for (Map.Entry<Integer, Double> row : sums.entrySet()) {
            Object[] r = first.get(row.getKey());
            double change = (Double) r[3] - (Double) r[4];
            double relative = Math.abs(row.getValue() - change) / Math.abs(change);
            worst = Math.max(worst, relative);
            assertTrue(relative <= COMPLETENESS, () -> "row " + row.getKey() + ": attributions sum to " + row.getValue()
                    + ", PREDICTION - BASELINE is " + change);
        }
        System.out.printf("houses: completeness misses by at most %.2e of PREDICTION - BASELINE over %d rows%n",
                worst, sums.size());
        assertEquals(Set.of("REGION=north", "REGION=south", "REGION=east", "REGION=west", "REGION=(other)",
                "REGION=(NULL)", "PLAN=A", "PLAN=B", "PLAN=(other)", "PLAN=(NULL)", "HAS_GARDEN=true", "HAS_GARDEN=false",
                "HAS_GARDEN=(other)", "HAS_GARDEN=(NULL)", "ROOMS", "AREA"), names);
        assertTrue(count("SELECT COUNT(*) FROM ML_EXPLAIN_PREDICT('price', " + quote(NEW_HOUSES) + ", 100)"
                + " WHERE feature = 'REGION=(NULL)' AND attribution <> 0") >= 120 / 7, "a NULL region is explained too");

        // The region is what moves the price most: north (+300 against a mean of 180) is its largest effect.
        double north = ((Number) value("SELECT AVG(attribution) FROM ML_EXPLAIN_PREDICT('price', " + quote(NEW_HOUSES)
                + ", 100) WHERE feature = 'REGION=north' AND region = 'north'")).doubleValue();
        double south = ((Number) value("SELECT AVG(attribution) FROM ML_EXPLAIN_PREDICT('price', " + quote(NEW_HOUSES)
                + ", 100) WHERE feature = 'REGION=south' AND region = 'south'")).doubleValue();
        assertTrue(north > 40 && south < -20, "north raises the price, south lowers it: " + north + ", " + south);

        List<Object[]> global = rows("SELECT rank, feature, mean_abs_attribution, mean_attribution"
                + " FROM ML_GLOBAL_EXPLAIN('price', " + quote(NEW_HOUSES) + ")");
        assertEquals(16, global.size());
        Map<String, Double> meanAbs = new HashMap<>();
        for (Object[] r : all) meanAbs.merge((String) r[6], Math.abs((Double) r[7]) / 120, Double::sum);
        for (int i = 0; i < global.size(); i++) {
            assertEquals(i + 1, global.get(i)[0]);
            assertEquals(meanAbs.get((String) global.get(i)[1]), (Double) global.get(i)[2], 1e-9);
            if (i > 0) assertTrue((Double) global.get(i)[2] <= (Double) global.get(i - 1)[2]);
        }
    }

    @Test
    void aRowWithoutFeaturesGivesOneRowOfNullsAndTopKAboveTheWidthListsEveryFeature() throws SQLException {
        createBlobs("blobs", 90, 1);
        train("m", "SELECT features, y FROM blobs", QUICK);
        List<Object[]> rows = rows("SELECT id, prediction, probability, baseline, rank, feature, attribution"
                + " FROM ML_EXPLAIN_PREDICT('m', 'SELECT id, CASE WHEN id = 2 THEN NULL ELSE features END AS features"
                + " FROM blobs WHERE id <= 3', 10) ORDER BY id, rank");
        assertEquals(5, rows.size(), "two features for rows 1 and 3, one row of NULLs for row 2");
        assertEquals(List.of("FEATURES[1]", "FEATURES[2]"), List.of(rows.get(0)[5], rows.get(1)[5]).stream().sorted().toList());
        Object[] empty = rows.get(2);
        assertEquals(2, empty[0]);
        for (int c = 1; c < empty.length; c++) assertNull(empty[c], "column " + c + " of the row without features");
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badArgumentsAreRefusedWithTheFunctionsNameAndWhatToDo() throws SQLException {
        createBlobs("blobs", 90, 1);
        train("m", "SELECT a, b, y FROM blobs", QUICK);
        String query = quote("SELECT id, a, b FROM blobs");
        for (String fn : List.of("ML_EXPLAIN_PREDICT", "ML_GLOBAL_EXPLAIN")) {
            assertFails("42704", fn, "SELECT * FROM " + fn + "('nope', " + query + ")", "nope");
            assertFails("22023", fn, "SELECT * FROM " + fn + "(NULL, " + query + ")", "model name");
            assertFails("22023", fn, "SELECT * FROM " + fn + "('m', NULL)", "the query is empty");
            assertFails("22023", fn, "SELECT * FROM " + fn + "('m', 'SELECT id, a FROM blobs')",
                    "from the columns A, B (any order)", "no column B");
        }
        String fn = "ML_EXPLAIN_PREDICT";
        for (String topK : List.of("0", "-3", "1000001")) {
            assertFails("22023", fn, "SELECT * FROM " + fn + "('m', " + query + ", " + topK + ")",
                    "top_k must be 1 to 1000000 features per row; got " + topK);
        }
        assertFails("22023", fn, "SELECT * FROM " + fn + "('m', " + query + ", NULL)", "top_k is NULL",
                "leave it out for 5");
        assertFails("22023", fn, "SELECT * FROM " + fn + "('m', 'SELECT id AS rank, a, b FROM blobs')",
                "a column named RANK, which ML_EXPLAIN_PREDICT adds itself; rename it with AS");
    }
}

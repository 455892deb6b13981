package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code warm_start} and {@code init_version} through SQL: a new version continues a saved one, with
 * its network, preprocessing, categories, classes and target scaling, and its epochs numbered after
 * it; anything that would change what the network's inputs or outputs mean is refused, writing nothing.
 */
class WarmStartSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FEATURES = "region, plan, has_garden, rooms, area";
    private static final String HOUSES = "SELECT " + FEATURES + ", price FROM houses";
    private static final String QUICK = "{\"hidden\":[32],\"epochs\":40,\"learning_rate\":0.01,\"label\":\"price\"}";

    @BeforeEach
    void houses() throws SQLException {
        createHouses("houses", 1000, 1);
        createHouses("new_houses", 200, 2);
    }

    @Test
    void aWarmStartKeepsThePreprocessingCategoriesAndTargetScalingOfTheVersionItContinues() throws Exception {
        assertEquals(1, train("m", HOUSES, QUICK));
        List<Object[]> before = rows("SELECT id, PREDICT_VALUE('m', " + FEATURES + ") FROM new_houses ORDER BY id");

        // One step too small to move the weights, on the northern houses alone: had it fitted its own
        // scaling, categories (only 'north') or target scale to these rows, every price would move.
        assertEquals(2, train("m", "SELECT " + FEATURES + ", price FROM houses WHERE region = 'north'",
                "{\"warm_start\":true,\"hidden\":[32],\"epochs\":1,\"learning_rate\":1e-12,\"label\":\"price\","
                        + "\"deploy\":\"always\"}"));
        List<Object[]> after = rows("SELECT id, PREDICT_VALUE('m', " + FEATURES + ") FROM new_houses ORDER BY id");
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            double was = ((Number) before.get(i)[1]).doubleValue();
            double is = ((Number) after.get(i)[1]).doubleValue();
            assertEquals(was, is, 1e-3 * Math.abs(was), "house " + before.get(i)[0]);
        }
        // Its epoch follows version 1's 40 in the log, and its figures say what it continued.
        assertEquals(List.of(41), epochs("m", 2));
        var metrics = JSON.readTree((byte[]) value("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 2"));
        assertEquals(1, metrics.get("warm_start_from").asInt());
        assertEquals(41, metrics.get("best_epoch").asInt());
        var options = JSON.readTree((byte[]) value("SELECT OPTIONS FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 2"));
        assertTrue(options.get("warm_start").asBoolean(), options.toString());
    }

    @Test
    void trainingGoesOnFromWhereTheVersionEndedAndInitVersionPicksWhichOne() throws Exception {
        String three = "{\"hidden\":[32],\"epochs\":3,\"learning_rate\":0.01,\"label\":\"price\",\"validation_fraction\":0}";
        train("m", HOUSES, three);
        train("m", HOUSES, "{\"hidden\":[8],\"epochs\":3,\"label\":\"price\",\"deploy\":\"always\"}");
        // Version 2 (8 units) is deployed; init_version 1 continues version 1 (32 units) all the same.
        assertEquals(3, train("m", HOUSES, three.replace("}", ",\"init_version\":1}")));
        double firstOfVersion1 = trainLoss("m", 1, 1);
        double lastOfVersion1 = trainLoss("m", 1, 3);
        double firstOfVersion3 = trainLoss("m", 3, 4);
        assertTrue(firstOfVersion3 < firstOfVersion1 / 2,
                "continued, not started again: " + firstOfVersion3 + " against version 1's first " + firstOfVersion1);
        assertTrue(firstOfVersion3 < lastOfVersion1 * 1.5, firstOfVersion3 + " against version 1's last " + lastOfVersion1);
        assertEquals(List.of(4, 5, 6), epochs("m", 3));
        double r2 = ((Number) value("SELECT SCORE FROM ML_EVALUATE('m', 'SELECT " + FEATURES + ", price FROM new_houses')"
                + " WHERE METRIC = 'r2' AND CLASS IS NULL")).doubleValue();
        assertTrue(Double.isFinite(r2), "version 2 is still the deployed one and scores: " + r2);
    }

    @Test
    void whatWouldChangeTheNetworksInputsOrOutputsIsRefusedAndNothingIsWritten() throws Exception {
        train("m", HOUSES, QUICK);
        assertTrainingFails("22023", HOUSES, "{\"warm_start\":true,\"hidden\":[64],\"label\":\"price\"}",
                "warm_start: version 1 of m is a 16-32-1 network with relu; these options ask for 16-64-1",
                "give \"hidden\":[32]");
        assertTrainingFails("22023", "SELECT region, plan, has_garden, rooms, price FROM houses",
                "{\"warm_start\":true,\"hidden\":[32],\"label\":\"price\"}",
                "was trained on feature columns [REGION, PLAN, HAS_GARDEN, ROOMS, AREA]; this query has [REGION, PLAN,"
                        + " HAS_GARDEN, ROOMS]: select the same columns, in the same order");
        assertTrainingFails("22023", "SELECT " + FEATURES + ", CAST(price > 300 AS INT) AS dear FROM houses",
                "{\"warm_start\":true,\"hidden\":[32],\"label\":\"dear\"}",
                "warm_start: version 1 of m is a regression; this query's label makes a classification");
        assertTrainingFails("42704", HOUSES, "{\"init_version\":7,\"hidden\":[32],\"label\":\"price\"}",
                "model m has no version 7 (versions: [1])");
        assertTrainingFails("22023", HOUSES, "{\"init_version\":0}", "option 'init_version' must be a positive integer");

        // A warm start of a model that has none to continue, or of a dropped version.
        assertFails("42704", "ML_TRAIN", "SELECT ML_TRAIN('other', " + quote(HOUSES) + ", '{\"warm_start\":true}')",
                "model other does not exist");
        train("m", HOUSES, QUICK);
        execute("SELECT ML_DROP('m', 1)");
        assertTrainingFails("42704", HOUSES, "{\"init_version\":1,\"hidden\":[32],\"label\":\"price\"}",
                "model m has no version 1 (versions: [2])");
    }

    @Test
    void aClassifierKeepsItsClasses() throws Exception {
        String query = "SELECT plan, has_garden, rooms, area, price, region FROM houses";
        String options = "{\"hidden\":[16],\"epochs\":5,\"label\":\"region\"}";
        train("m", query, options);
        assertEquals(2, train("m", query, options.replace("}", ",\"warm_start\":true}")));
        assertTrainingFails("22023", query + " WHERE region <> 'west'", options.replace("}", ",\"warm_start\":true}"),
                "warm_start: version 2 of m has the classes [east, north, south, west]; this query's labels have"
                        + " [east, north, south]");
    }

    private List<Integer> epochs(String model, long version) throws SQLException {
        return rows("SELECT EPOCH FROM ML_TRAINING_INFO(?, ?) ORDER BY EPOCH", model, version).stream()
                .map(r -> ((Number) r[0]).intValue()).toList();
    }

    private double trainLoss(String model, long version, int epoch) throws SQLException {
        return ((Number) value("SELECT TRAIN_LOSS FROM ML_TRAINING_INFO(?, ?) WHERE EPOCH = ?", model, version, epoch))
                .doubleValue();
    }
}

package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables as analysts have them, through SQL: text, CHAR, BOOLEAN and ENUM columns one-hot encoded,
 * NULLs imputed, both fitted on the training rows and applied the same way by every way of scoring
 * ({@code ML_PREDICT}, {@code ML_EVALUATE}, {@code PREDICT_VALUE('m', col1, col2, ...)}).
 *
 * <p>The houses ({@link #createHouses}): a model that ignored the categories could not reach the R²
 * asked below.
 */
class TabularSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FEATURES = "region, plan, has_garden, rooms, area";
    private static final String QUICK = "{\"hidden\":[32],\"epochs\":60,\"learning_rate\":0.01,\"label\":\"price\"}";

    @BeforeEach
    void houses() throws SQLException {
        createHouses("houses", 1200, 1);
        createHouses("new_houses", 300, 2);
    }

    private double r2(String model, String table) throws SQLException {
        return ((Number) value("SELECT SCORE FROM ML_EVALUATE('" + model + "', 'SELECT " + FEATURES + ", price FROM "
                + table + "') WHERE METRIC = 'r2' AND CLASS IS NULL")).doubleValue();
    }

    @Test
    void textBooleanCharAndNullColumnsTrainAModelThatScoresNewRowsInTheLabelsUnits() throws Exception {
        train("price_model", "SELECT " + FEATURES + ", price FROM houses", QUICK);
        double r2 = r2("price_model", "new_houses");
        assertTrue(r2 > 0.95, "R² on new rows " + r2);
        // 4 regions + other + missing, 2 plans + 2, 2 booleans + 2, two numbers: 6 + 4 + 4 + 2 inputs.
        assertEquals(16L, count("SELECT INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = 'price_model'"));

        // Each way of scoring gives the same number, in the label's units, NULLs included.
        List<Object[]> scored = rows("SELECT id, PREDICTION FROM ML_PREDICT('price_model', 'SELECT * FROM new_houses')"
                + " ORDER BY id");
        List<Object[]> byColumns = rows("SELECT id, PREDICT_VALUE('price_model', " + FEATURES + ") FROM new_houses ORDER BY id");
        assertEquals(300, scored.size());
        for (int i = 0; i < scored.size(); i++) {
            // A batch and a single row take different kernel paths: equal to float precision.
            assertEquals(((Number) scored.get(i)[1]).doubleValue(), ((Number) byColumns.get(i)[1]).doubleValue(), 1e-4,
                    "row " + scored.get(i)[0]);
        }
        long withNull = count("SELECT COUNT(*) FROM new_houses WHERE rooms IS NULL OR area IS NULL");
        assertTrue(withNull > 20, "precondition: rows with NULLs are scored too: " + withNull);
        double mean = ((Number) value("SELECT AVG(price) FROM new_houses")).doubleValue();
        double predictedMean = ((Number) value("SELECT AVG(PREDICT_VALUE('price_model', " + FEATURES + ")) FROM new_houses"))
                .doubleValue();
        assertEquals(mean, predictedMean, 0.05 * mean, "answers are in the label's units");
    }

    @Test
    void theRegionMattersAsTrainedAndAnUnseenOrNullOneIsScoredNotRefused() throws Exception {
        train("price_model", "SELECT " + FEATURES + ", price FROM houses", QUICK);
        double north = predict("'north'", "'A'", "TRUE", "3", "90");
        double south = predict("'south'", "'A'", "TRUE", "3", "90");
        assertEquals(200, north - south, 30, "north is 200 dearer than south");
        double withGarden = predict("'east'", "'B'", "TRUE", "3", "90");
        double withoutGarden = predict("'east'", "'B'", "FALSE", "3", "90");
        assertEquals(60, withGarden - withoutGarden, 20, "a garden adds 60");
        double unseen = predict("'atlantis'", "'A'", "TRUE", "3", "90");
        double missing = predict("NULL", "'A'", "TRUE", "NULL", "NULL");
        assertTrue(Double.isFinite(unseen) && Double.isFinite(missing), unseen + ", " + missing);
        // A CHAR literal padded with spaces is the same plan; the column order is the training query's.
        assertEquals(north, predict("'north'", "CAST('A' AS CHAR(3))", "TRUE", "3", "90"), 1e-9);
        assertFails("22023", "PREDICT_VALUE", "SELECT PREDICT_VALUE('price_model', 'north', 'A', TRUE, 3)",
                "expects 5 features, got 4: the values of its feature columns REGION, PLAN, HAS_GARDEN, ROOMS, AREA, in this order");
        assertFails("22023", "PREDICT_VALUE", "SELECT PREDICT_VALUE('price_model', 'north', 'A', TRUE, 'three', 90)",
                "ROOMS", "is a number; got three");
    }

    private double predict(String... values) throws SQLException {
        return ((Number) value("SELECT PREDICT_VALUE('price_model', " + String.join(", ", values) + ")")).doubleValue();
    }

    @Test
    void mlEvaluateAndMlPredictFindTheColumnsByNameInAnyOrder() throws Exception {
        train("price_model", "SELECT " + FEATURES + ", price FROM houses", QUICK);
        double inOrder = r2("price_model", "new_houses");
        double shuffled = ((Number) value("SELECT SCORE FROM ML_EVALUATE('price_model', 'SELECT area, has_garden, region,"
                + " rooms, plan, price FROM new_houses') WHERE METRIC = 'r2' AND CLASS IS NULL")).doubleValue();
        assertEquals(inOrder, shuffled, 1e-12);
    }

    @Test
    void aClassifierTakesTextFeaturesAndEnumsToo() throws Exception {
        execute("CREATE TABLE churn AS SELECT id, CAST(region AS ENUM('north', 'south', 'east', 'west')) AS region,"
                + " has_garden AS active, CASE WHEN region IN ('north', 'east') AND has_garden THEN 'stays'"
                + " ELSE 'leaves' END AS outcome FROM houses");
        train("churn", "SELECT region, active, outcome FROM churn", "{\"hidden\":[8],\"epochs\":40,\"learning_rate\":0.01}");
        assertEquals(1.0, ((Number) value("SELECT SCORE FROM ML_EVALUATE('churn', 'SELECT region, active, outcome FROM churn')"
                + " WHERE METRIC = 'accuracy' AND CLASS IS NULL")).doubleValue(), 1e-9);
        assertEquals("stays", value("SELECT PREDICT_LABEL('churn', 'east', TRUE)"));
        assertEquals("leaves", value("SELECT PREDICT_LABEL('churn', 'south', TRUE)"));
    }

    @Test
    void maxCategoriesKeepsTheMostFrequentAndTheRestShareOther() throws Exception {
        execute("UPDATE houses SET region = 'south' WHERE region = 'west' AND MOD(id, 2) = 0"); // south most frequent
        train("m", "SELECT region, price FROM houses", "{\"hidden\":[4],\"epochs\":2,\"max_categories\":2}");
        assertEquals(4L, count("SELECT INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = 'm'"), "2 kept + other + missing");
        train("m2", "SELECT region, price FROM houses",
                "{\"hidden\":[4],\"epochs\":2,\"max_categories\":2,\"columns\":{\"region\":{\"max_categories\":3}}}");
        assertEquals(5L, count("SELECT INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = 'm2'"), "a column's own max_categories wins");
        train("m3", "SELECT rooms, price FROM houses WHERE rooms IS NOT NULL",
                "{\"hidden\":[4],\"epochs\":2,\"columns\":{\"ROOMS\":{\"encode\":\"one_hot\"}}}");
        assertEquals(8L, count("SELECT INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = 'm3'"), "6 room counts + 2: numbers as categories");
        double three = ((Number) value("SELECT PREDICT_VALUE('m3', 3)")).doubleValue();
        assertNotEquals(three, ((Number) value("SELECT PREDICT_VALUE('m3', 4)")).doubleValue());
        assertEquals(three, ((Number) value("SELECT PREDICT_VALUE('m3', 3.0)")).doubleValue(), 1e-12, "3.0 is category 3");
    }

    @Test
    void imputeChoosesWhatANullNumberBecomes() throws Exception {
        String query = "SELECT " + FEATURES + ", price FROM houses";
        train("mean", query, QUICK);
        train("zero", query, QUICK.replace("}", ",\"impute\":\"zero\"}"));
        train("median", query, QUICK.replace("}", ",\"columns\":{\"area\":{\"impute\":\"median\"}}}"));
        String row = "'north', 'A', TRUE, 3, NULL";
        double mean = ((Number) value("SELECT PREDICT_VALUE('mean', " + row + ")")).doubleValue();
        double zero = ((Number) value("SELECT PREDICT_VALUE('zero', " + row + ")")).doubleValue();
        double median = ((Number) value("SELECT PREDICT_VALUE('median', " + row + ")")).doubleValue();
        double average = predictFor("mean", "'north', 'A', TRUE, 3, (SELECT AVG(area) FROM houses)");
        assertEquals(average, mean, 1e-3, "a NULL area is the training rows' mean area");
        assertEquals(predictFor("median", "'north', 'A', TRUE, 3, (SELECT MEDIAN(area) FROM houses)"), median, 1e-3);
        assertEquals(predictFor("zero", "'north', 'A', TRUE, 3, 0"), zero, 1e-3);
        assertTrue(Math.abs(zero - predictFor("zero", "'north', 'A', TRUE, 3, (SELECT AVG(area) FROM houses)")) > 1e-2,
                "zero is not the mean area");

        train("strict", "SELECT " + FEATURES + ", price FROM houses WHERE rooms IS NOT NULL AND area IS NOT NULL",
                QUICK.replace("}", ",\"impute\":\"error\"}"));
        assertNull(value("SELECT PREDICTION FROM ML_PREDICT('strict', 'SELECT " + FEATURES + " FROM new_houses"
                + " WHERE area IS NULL LIMIT 1')"), "a model that imputes nothing scores a NULL as NULL");
        assertFails("22023", "PREDICT_VALUE", "SELECT PREDICT_VALUE('strict', " + row + ")", "feature 5 of 5 is NULL (column AREA)",
                "impute error");
    }

    private double predictFor(String model, String values) throws SQLException {
        return ((Number) value("SELECT PREDICT_VALUE('" + model + "', " + values + ")")).doubleValue();
    }

    @Test
    void theEncodingIsStoredWithTheModelAndItsOptionsWithTheVersion() throws Exception {
        train("m", "SELECT region, price FROM houses", "{\"hidden\":[4],\"epochs\":1,\"impute\":\"median\","
                + "\"max_categories\":50,\"columns\":{\"region\":{\"impute\":\"missing\"}}}");
        var options = JSON.readTree((byte[]) value("SELECT OPTIONS FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals("median", options.get("impute").asText());
        assertEquals(50, options.get("max_categories").asInt());
        assertEquals("missing", options.get("columns").get("region").get("impute").asText());
        var encoding = dev.sqlnn.model.ModelCodec.decode((byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'm'"))
                .encoding();
        assertEquals(List.of("REGION"), encoding.names());
        assertEquals(dev.sqlnn.data.FeatureEncoding.Kind.CATEGORY, encoding.column(0).kind());
        assertEquals(dev.sqlnn.data.Imputation.MISSING, encoding.column(0).impute());
        assertEquals(java.util.Set.copyOf(List.of(REGIONS)), java.util.Set.copyOf(encoding.column(0).categories()));
    }

    @Test
    void badTablesAndOptionsAreClearErrorsAndWriteNothing() throws Exception {
        execute("ALTER TABLE houses ADD COLUMN nothing VARCHAR(5)");
        assertTrainingFails("22023", "SELECT region, nothing, price FROM houses", "{\"epochs\":1}",
                "feature column NOTHING is NULL in every row", "leave it out");
        execute("ALTER TABLE houses ADD COLUMN no_number INT");
        assertTrainingFails("22023", "SELECT region, no_number, price FROM houses", "{\"epochs\":1}",
                "feature column NO_NUMBER is NULL in every row");
        assertTrainingFails("22023", "SELECT region, rooms, price FROM houses", "{\"epochs\":1,\"impute\":\"error\"}",
                "has a NULL in feature column ROOMS", "impute mean, median or zero");
        assertTrainingFails("22023", "SELECT region, price FROM houses",
                "{\"epochs\":1,\"columns\":{\"region\":{\"encode\":\"number\"}}}", "as a number", "REGION");
        assertTrainingFails("22023", "SELECT region, rooms, price FROM houses",
                "{\"epochs\":1,\"columns\":{\"rooms\":{\"impute\":\"missing\"}}}", "ROOMS is a number");
        assertTrainingFails("22023", "SELECT region, rooms, price FROM houses",
                "{\"epochs\":1,\"columns\":{\"region\":{\"impute\":\"mean\"}}}", "REGION holds categories");
        assertTrainingFails("22023", "SELECT CURRENT_DATE AS visit_day, price FROM houses", "{\"epochs\":1}",
                "feature column VISIT_DAY has type DATE", "CAST(VISIT_DAY AS VARCHAR)");
        assertTrainingFails("22023", "SELECT rooms, region FROM houses", "{\"epochs\":1,\"task\":\"regression\"}",
                "task regression needs a numeric label");
        assertTrainingFails("22023", "SELECT region, price FROM houses", "{\"impute\":\"missing\"}", "option 'impute'");
        assertTrainingFails("22023", "SELECT region, price FROM houses", "{\"max_categories\":0}", "option 'max_categories'");
        assertTrainingFails("22023", "SELECT region, price FROM houses", "{\"columns\":{\"region\":{\"encode\":\"hash\"}}}",
                "columns.region.encode");
        assertTrainingFails("22023", "SELECT region, price FROM houses", "{\"columns\":{\"region\":{\"bins\":4}}}",
                "unknown key 'bins'");
        assertTrainingFails("22023", "SELECT region, price FROM houses", "{\"columns\":{\"regoin\":{\"max_categories\":2}}}",
                "option 'columns' has settings for regoin, which is not a feature column", "REGION");
    }

    @Test
    void aColumnOfAHundredThousandDistinctValuesIsRefusedAsAnIdentifier() throws Exception {
        execute("CREATE TABLE visits AS SELECT X AS n, 'visitor-' || X AS visitor, CAST(MOD(X, 2) AS INT) AS y"
                + " FROM SYSTEM_RANGE(1, 100000)");
        assertTrainingFails("22023", "SELECT visitor, y FROM visits", "{\"epochs\":1}",
                "feature column VISITOR has 100,000 distinct values in 100,000 rows", "identifier", "max_categories");
    }
}

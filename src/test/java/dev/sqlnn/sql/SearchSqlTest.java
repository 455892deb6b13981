package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hyperparameter search inside {@code ML_TRAIN} ({@code search}, {@code search_method}, {@code trials},
 * {@code cv}) and {@code ML_TRIALS}, through SQL: every trial recorded with its values and score, the
 * best one saved as the version with its options, the same trials for the same seed, nothing written
 * by a bad or cancelled search.
 */
class SearchSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOBS = "SELECT a, b, y FROM blobs";
    private static final String HOUSES = "SELECT region, plan, has_garden, rooms, area, price FROM houses";

    @BeforeEach
    void data() throws SQLException {
        createBlobs("blobs", 300, 7);
    }

    @Test
    void aGridOfTwoByTwoRecordsFourTrialsAndSavesTheBestWithItsOptions() throws Exception {
        assertEquals(1, train("m", BLOBS, "{\"epochs\":8,\"learning_rate\":0.01,"
                + "\"search\":{\"hidden\":[[4],[16]],\"l2\":[0,0.001]}}"));
        List<Object[]> trials = rows("SELECT VERSION, TRIAL, OPTIONS, SCORE, SECONDS, BEST, FOLD_SCORES"
                + " FROM ML_TRIALS('m') ORDER BY TRIAL");
        assertEquals(4, trials.size());
        // The first option's candidates change slowest.
        List<String> expected = List.of("{\"hidden\":[4],\"l2\":0}", "{\"hidden\":[4],\"l2\":0.001}",
                "{\"hidden\":[16],\"l2\":0}", "{\"hidden\":[16],\"l2\":0.001}");
        Object[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < 4; t++) {
            Object[] row = trials.get(t);
            assertEquals(1L, ((Number) row[0]).longValue());
            assertEquals(t + 1, ((Number) row[1]).intValue());
            assertEquals(JSON.readTree(expected.get(t)), JSON.readTree((String) row[2]));
            double score = ((Number) row[3]).doubleValue();
            assertTrue(score > 0.5 && score <= 1, "accuracy on held-out rows: " + score);
            assertTrue(((Number) row[4]).doubleValue() > 0);
            assertNull(row[6]);
            if (score > bestScore) {
                bestScore = score;
                best = row;
            }
        }
        assertEquals(1L, trials.stream().filter(r -> (Boolean) r[5]).count());
        assertTrue((Boolean) best[5], "the first trial with the highest score is the best");

        JsonNode bestValues = JSON.readTree((String) best[2]);
        JsonNode options = JSON.readTree((byte[]) value("SELECT OPTIONS FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals(bestValues.get("hidden"), options.get("hidden"));
        assertEquals(bestValues.get("l2").asDouble(), options.get("l2").asDouble());
        assertEquals(8, options.get("epochs").asInt());
        assertTrue(options.get("search") == null, "a version's options are its trial's: " + options);
        JsonNode metrics = JSON.readTree((byte[]) value("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals(bestScore, metrics.get("accuracy").asDouble(), 1e-12, "the best trial's own model is saved");
        assertEquals(4, metrics.get("search_trials").asInt());
        assertEquals(((Number) best[1]).intValue(), metrics.get("best_trial").asInt());
        assertEquals("grid", metrics.get("search_method").asText());
        // The log holds the saved model's epochs, the best trial's.
        assertEquals(8L, count("SELECT COUNT(*) FROM ML_TRAINING_INFO('m', 1)"));
        assertEquals(1L, value("SELECT VERSION FROM SQLNN.MODELS WHERE DEPLOYED"));
        assertEquals(0, ((Number) value("SELECT PREDICT('m', ARRAY[0.0, 3.0])")).intValue());
    }

    @Test
    void aRandomSearchDrawsItsTrialsInsideTheRangeAndTheSameSeedGivesTheSameTrials() throws Exception {
        String options = "{\"hidden\":[8],\"epochs\":3,\"trials\":3,"
                + "\"search\":{\"learning_rate\":{\"log_uniform\":[1e-4,1e-2]},\"batch_size\":{\"int_uniform\":[8,32]}}}";
        train("a", BLOBS, options);
        List<Object[]> trials = rows("SELECT TRIAL, OPTIONS, SCORE, BEST FROM ML_TRIALS('a') ORDER BY TRIAL");
        assertEquals(3, trials.size());
        var rates = new HashSet<Double>();
        for (Object[] t : trials) {
            JsonNode values = JSON.readTree((String) t[1]);
            double rate = values.get("learning_rate").asDouble();
            int batch = values.get("batch_size").asInt();
            assertTrue(rate >= 1e-4 && rate <= 1e-2, "learning_rate " + rate);
            assertTrue(batch >= 8 && batch <= 32 && values.get("batch_size").isIntegralNumber(), "batch_size " + batch);
            rates.add(rate);
        }
        assertEquals(3, rates.size(), "three draws");
        assertEquals("random", JSON.readTree((byte[]) value("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'a'"))
                .get("search_method").asText());

        // The same seed, rows and options: the same trials in the same order, the same scores and winner.
        train("b", BLOBS, options);
        String withoutSeconds = "SELECT TRIAL, OPTIONS, SCORE, BEST FROM ML_TRIALS(?) ORDER BY TRIAL";
        assertEquals(flat(rows(withoutSeconds, "a")), flat(rows(withoutSeconds, "b")));
        assertEquals(value("SELECT CAST(OPTIONS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'a'"),
                value("SELECT CAST(OPTIONS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'b'"));
        // Another seed draws other values.
        train("c", BLOBS, options.replace("\"trials\"", "\"seed\":7,\"trials\""));
        assertNotEquals(flat(rows("SELECT OPTIONS FROM ML_TRIALS('a') ORDER BY TRIAL")),
                flat(rows("SELECT OPTIONS FROM ML_TRIALS('c') ORDER BY TRIAL")));
    }

    @Test
    void crossValidationScoresEachTrialByTheMeanOfItsFolds() throws Exception {
        createHouses("houses", 300, 3);
        train("p", HOUSES, "{\"epochs\":10,\"learning_rate\":0.01,\"label\":\"price\",\"cv\":3,"
                + "\"search\":{\"hidden\":[[8],[16]]}}");
        List<Object[]> trials = rows("SELECT SCORE, FOLD_SCORES, BEST FROM ML_TRIALS('p') ORDER BY TRIAL");
        assertEquals(2, trials.size());
        for (Object[] t : trials) {
            JsonNode folds = JSON.readTree((String) t[1]);
            assertEquals(3, folds.size());
            double mean = (folds.get(0).asDouble() + folds.get(1).asDouble() + folds.get(2).asDouble()) / 3;
            assertEquals(mean, ((Number) t[0]).doubleValue(), 1e-9, "the score is the folds' mean R²");
        }
        JsonNode metrics = JSON.readTree((byte[]) value("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'p'"));
        assertEquals(3, metrics.get("cv").asInt());
        assertTrue(metrics.has("r2"), "the winner trained again on the usual split: " + metrics);
        double best = trials.stream().filter(t -> (Boolean) t[2]).mapToDouble(t -> ((Number) t[0]).doubleValue())
                .findFirst().orElseThrow();
        assertEquals(best, metrics.get("cv_score").asDouble(), 1e-12);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCancelledSearchSavesNothing() throws Exception {
        createBlobs("many", 3000, 41);
        Counts before = counts();
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(1);
            SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT ML_TRAIN('long',"
                    + " 'SELECT a, b, y FROM many', '{\"hidden\":[16],\"batch_size\":16,\"epochs\":20000,"
                    + "\"search\":{\"l2\":[0,0.0001,0.001]}}')"));
            assertEquals("57014", e.getSQLState(), e.getMessage());
        }
        assertEquals(before, counts());
        assertEquals(1L, count("SELECT COUNT(*) FROM (VALUES 1)"), "the session is usable afterwards");
    }

    @Test
    void mlTrialsNamesWhatIsMissingAndMlDropTakesTheTrialsAlong() throws Exception {
        assertFails("42704", "ML_TRIALS", "SELECT * FROM ML_TRIALS('nothing')", "model nothing does not exist");
        train("m", BLOBS, "{\"hidden\":[4],\"epochs\":2}");
        assertFails("42704", "ML_TRIALS", "SELECT * FROM ML_TRIALS('m')", "no version made by a hyperparameter search");
        train("m", BLOBS, "{\"hidden\":[4],\"epochs\":2,\"search\":{\"l2\":[0,0.01]}}");
        assertEquals(2L, count("SELECT COUNT(*) FROM ML_TRIALS('m')"));
        assertEquals(2L, count("SELECT COUNT(*) FROM ML_TRIALS('m', 2)"));
        assertFails("42704", "ML_TRIALS", "SELECT * FROM ML_TRIALS('m', 1)", "version 1 of model m was not made by",
                "versions with trials: [2]");
        assertFails("42704", "ML_TRIALS", "SELECT * FROM ML_TRIALS('m', 9)", "model m has no version 9");
        execute("CALL ML_DROP('m', 2)");
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRIALS"));
    }

    @Test
    void everyBadSearchIsRefusedUpFrontNamingTheKey() throws Exception {
        String base = "\"hidden\":[4],\"epochs\":2,";
        bad("{" + base + "\"search\":{}}", "option 'search' must be a non-empty object");
        bad("{" + base + "\"search\":[1]}", "option 'search' must be a non-empty object");
        bad("{" + base + "\"search\":{\"nope\":[1]}}", "option 'search' has 'nope', which is not an option",
                "hidden, activation");
        bad("{" + base + "\"search\":{\"search\":[{}]}}", "cannot vary 'search' (it describes the search itself)");
        bad("{" + base + "\"search\":{\"label\":[\"y\"]}}", "cannot vary 'label'");
        bad("{" + base + "\"search\":{\"seed\":[1,2]}}", "cannot vary 'seed'");
        bad("{" + base + "\"search\":{\"l2\":[]}}", "option 'search.l2' must be a non-empty list of candidates", "got []");
        bad("{" + base + "\"search\":{\"l2\":0.1}}", "option 'search.l2' must be a non-empty list", "got 0.1");
        bad("{" + base + "\"search\":{\"l2\":{\"normal\":[0,1]}}}", "option 'search.l2' must be", "uniform, log_uniform");
        bad("{" + base + "\"search\":{\"l2\":{\"uniform\":[0.1,0.1]}}}", "option 'search.l2.uniform' must be [min, max]"
                + " with min below max; got [0.1,0.1]");
        bad("{" + base + "\"search\":{\"l2\":{\"log_uniform\":[0,0.1]}}}", "option 'search.l2.log_uniform' must be"
                + " [min, max] above 0");
        bad("{" + base + "\"search\":{\"l2\":{\"uniform\":[0]}}}", "option 'search.l2.uniform' must be [min, max]");
        bad("{" + base + "\"search\":{\"hidden\":{\"uniform\":[1,9]}}}", "'hidden' is not a number");
        bad("{" + base + "\"search\":{\"batch_size\":{\"uniform\":[8,32]}}}", "takes whole numbers: draw it with"
                + " int_uniform");
        bad("{" + base + "\"search\":{\"learning_rate\":{\"uniform\":[0.001,0.01]}},\"search_method\":\"grid\"}",
                "option 'search_method' grid tries every combination", "'learning_rate' is a distribution");
        bad("{" + base + "\"search\":{\"l2\":[0]},\"search_method\":\"bayes\"}", "option 'search_method' must be one of"
                + " grid, random; got \"bayes\"");
        bad("{" + base + "\"search\":{\"l2\":[0]},\"search_method\":\"random\",\"trials\":0}",
                "option 'trials' must be an integer from 1 to 100", "got 0");
        bad("{" + base + "\"search\":{\"l2\":[0,1]},\"trials\":2}", "option 'trials' is for search_method random");
        bad("{" + base + "\"search\":{\"l2\":[0]},\"cv\":1}", "option 'cv' must be an integer from 2 to 20", "got 1");
        bad("{" + base + "\"cv\":3}", "option 'cv' belongs to a hyperparameter search and needs 'search'");
        bad("{" + base + "\"search\":{\"l2\":[0,1,2,3,4,5,6,7,8,9,10],\"l1\":[0,1,2,3,4,5,6,7,8,9]}}",
                "option 'search' has 110 combinations (11 × 10), more than the 100");
        bad("{" + base + "\"search\":{\"l2\":[0]},\"validation_fraction\":0}", "scores each trial on held-out rows");
        bad("{" + base + "\"search\":{\"l2\":[0]},\"warm_start\":true}", "remove one or the other");
        // A trial whose options cannot train refuses the whole search, naming the trial.
        bad("{" + base + "\"search\":{\"l2\":[0,-1]}}", "option 'search': trial 2 {\"l2\":-1} gives options that cannot"
                + " train: option 'l2' must be a non-negative number; got -1.0");
        bad("{" + base + "\"search\":{\"hidden\":[[4],[4,4]]},\"dropout\":[0.1]}", "trial 2",
                "option 'dropout' must have one rate per hidden layer");
        // More folds than rows is known once the rows are read.
        assertFails("22023", "ML_TRAIN", "SELECT ML_TRAIN('m', 'SELECT a, b, y FROM blobs WHERE id <= 3', "
                + quote("{" + base + "\"search\":{\"l2\":[0]},\"cv\":5}") + ")", "option 'cv' 5 needs at least 5 rows",
                "the query gave 3");
    }

    private void bad(String options, String... fragments) throws SQLException {
        assertTrainingFails("22023", BLOBS, options, fragments);
    }

    private static List<String> flat(List<Object[]> rows) {
        return rows.stream().map(Arrays::toString).toList();
    }
}

package dev.sqlnn.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Versions and deployment through SQL: the {@code deploy} option, {@code ML_DEPLOY}, the default
 * model of one-argument {@code PREDICT}, and {@code ML_DROP}.
 *
 * <p>Two versions tell themselves apart by what they predict: one is trained on the blobs' label Y,
 * the other on SHIFTED = (Y + 1) % 3, so at the centre of class c they answer c and c + 1.
 */
class DeploymentSqlTest extends SqlTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Hardly trained: one hidden unit, one epoch, a tiny step. Scores well below the QUICK network. */
    private static final String POOR = "{\"hidden\":[1],\"epochs\":1,\"learning_rate\":0.0001,\"seed\":%d}";

    private static final String ON_Y = "SELECT a, b, y FROM blobs";
    private static final String ON_SHIFTED = "SELECT a, b, shifted FROM blobs";

    @BeforeEach
    void blobs() throws SQLException {
        createBlobs("blobs", 300, 21);
    }

    @Test
    void deployBestDeploysANewVersionOnlyWhenItScoresBetter() throws Exception {
        assertEquals(1, train("m", ON_Y, POOR.formatted(1)));
        assertEquals(List.of(1L), deployedVersions("m"), "the first version of a model is deployed");
        assertEquals(2, train("m", ON_Y, QUICK));
        assertTrue(accuracy("m", 1) < accuracy("m", 2), "precondition: version 2 scores better");
        assertEquals(List.of(2L), deployedVersions("m"), "a better version is deployed");
        assertEquals(3, train("m", ON_Y, POOR.formatted(3)));
        assertTrue(accuracy("m", 3) < accuracy("m", 2), "precondition: version 3 scores worse");
        assertEquals(List.of(2L), deployedVersions("m"), "a worse version is not deployed");
        assertEquals(2L, count("SELECT COUNT(*) FROM SQLNN.DEPLOYMENTS WHERE NAME = 'm'"));
        for (int c = 0; c < 3; c++) assertEquals(c, value("SELECT PREDICT('m', " + array(CENTRES[c]) + ")"));
    }

    @Test
    void deployAlwaysDeploysEachNewVersionEvenAWorseOne() throws Exception {
        train("m", ON_Y, QUICK);
        train("m", ON_Y, POOR.formatted(2).replace("}", ",\"deploy\":\"always\"}"));
        assertTrue(accuracy("m", 2) < accuracy("m", 1), "precondition: version 2 scores worse");
        assertEquals(List.of(2L), deployedVersions("m"));
        train("m", ON_SHIFTED, QUICK.replace("}", ",\"deploy\":\"always\"}"));
        assertEquals(List.of(3L), deployedVersions("m"));
        assertEquals(1, value("SELECT PREDICT('m', " + array(CENTRES[0]) + ")"), "version 3 answers");
    }

    @Test
    void deployNeverLeavesTheDeploymentToMlDeploy() throws SQLException {
        String never = QUICK.replace("}", ",\"deploy\":\"never\"}");
        assertEquals(1, train("m", ON_Y, never));
        assertEquals(List.of(), deployedVersions("m"));
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.DEPLOYMENTS"));
        assertFails("42704", "PREDICT", "SELECT PREDICT('m', ARRAY[0, 3])", "no deployed version", "ML_DEPLOY('m')");
        assertFails("42704", "PREDICT", "SELECT PREDICT(ARRAY[0, 3])", "no model is deployed");

        assertEquals(1L, value("SELECT ML_DEPLOY('m')"));
        assertEquals(0, value("SELECT PREDICT('m', ARRAY[0, 3])"));
        assertEquals(0, value("SELECT PREDICT(ARRAY[0, 3])"));
        train("m", ON_SHIFTED, never);
        assertEquals(List.of(1L), deployedVersions("m"));
        assertEquals(0, value("SELECT PREDICT('m', ARRAY[0, 3])"));
    }

    @Test
    void mlDeployOfAVersionSwitchesWhatPredictAnswers() throws SQLException {
        train("m", ON_Y, QUICK);
        train("m", ON_SHIFTED, QUICK.replace("}", ",\"deploy\":\"never\"}"));
        assertPredicts("m", 0);
        assertEquals(2L, value("SELECT ML_DEPLOY('m', 2)"));
        assertEquals(List.of(2L), deployedVersions("m"));
        assertPredicts("m", 1);
        assertEquals(1L, value("SELECT ML_DEPLOY('m', 1)"));
        assertEquals(List.of(1L), deployedVersions("m"));
        assertPredicts("m", 0);
        assertEquals(List.of(1L, 2L, 1L), rows("SELECT VERSION FROM SQLNN.DEPLOYMENTS ORDER BY ID").stream()
                .map(r -> r[0]).toList(), "the history of deployments");
    }

    @Test
    void mlDeployWithoutAVersionPicksTheBestByItsMetric() throws Exception {
        train("m", ON_Y, QUICK);
        train("m", ON_Y, POOR.formatted(2).replace("}", ",\"deploy\":\"always\"}"));
        assertTrue(accuracy("m", 2) < accuracy("m", 1), "precondition: version 1 scores better");
        assertEquals(List.of(2L), deployedVersions("m"));
        assertEquals(1L, value("SELECT ML_DEPLOY('m')"));
        assertEquals(List.of(1L), deployedVersions("m"));
    }

    /**
     * Like with like: a version measured on its training rows (validation_fraction 0) never displaces one
     * measured on held-out rows, however it scores; versions measured alike compare by score.
     */
    @Test
    void deployBestComparesHeldOutScoresOnlyWithHeldOutScores() throws Exception {
        assertEquals(1, train("m", ON_Y, POOR.formatted(1)));
        String noHeldOut = QUICK.replace("}", ",\"validation_fraction\":0}");
        assertEquals(2, train("m", ON_Y, noHeldOut));
        String v1 = (String) value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 1");
        String v2 = (String) value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'm' AND VERSION = 2");
        assertTrue(v1.contains("\"evaluated_on\":\"validation\"") && v2.contains("\"evaluated_on\":\"training\""), v1 + v2);
        assertTrue(accuracy("m", 2) > accuracy("m", 1), "precondition: version 2's own score is higher");
        assertEquals(List.of(1L), deployedVersions("m"), "a score on training rows does not displace a held-out one");
        assertEquals(1L, value("SELECT ML_DEPLOY('m')"), "nor does it win ML_DEPLOY's pick");

        assertEquals(3, train("m", ON_Y, QUICK));
        assertTrue(accuracy("m", 3) > accuracy("m", 1), "precondition: version 3 scores better on held-out rows");
        assertEquals(List.of(3L), deployedVersions("m"), "held-out scores compare with each other");

        assertEquals(1, train("t", ON_Y, noHeldOut.replace("}", ",\"seed\":5}")));
        assertEquals(2, train("t", ON_Y, POOR.formatted(2)));
        assertEquals(List.of(2L), deployedVersions("t"), "a held-out score displaces one on training rows, even lower");
    }

    @Test
    void theDefaultModelFollowsTheLastDeploymentAcrossModels() throws SQLException {
        train("a", ON_Y, QUICK);
        assertDefaultPredicts(0);
        train("b", ON_SHIFTED, QUICK); // a new model's first version is deployed, so b becomes the default
        assertDefaultPredicts(1);
        assertEquals(1L, value("SELECT ML_DEPLOY('a')"));
        assertDefaultPredicts(0);
        assertEquals(1L, value("SELECT ML_DEPLOY('b', 1)"));
        assertDefaultPredicts(1);
        train("a", ON_Y, QUICK.replace("}", ",\"deploy\":\"never\"}")); // not deployed: the default stays b
        assertDefaultPredicts(1);
    }

    @Test
    void mlDropRemovesOneVersionOrAllAndThenTheModelIsUnknown() throws SQLException {
        train("m", ON_Y, QUICK);
        train("m", ON_SHIFTED, QUICK.replace("}", ",\"deploy\":\"always\"}"));
        train("m", ON_Y, QUICK.replace("}", ",\"deploy\":\"never\"}"));
        train("other", ON_Y, QUICK);
        long otherLog = count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'other'");

        assertEquals(1, value("SELECT ML_DROP('m', 3)"));
        assertEquals(List.of(1L, 2L), rows("SELECT VERSION FROM SQLNN.MODELS WHERE NAME = 'm' ORDER BY VERSION")
                .stream().map(r -> r[0]).toList());
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'm' AND VERSION = 3"));
        assertPredicts("m", 1);

        assertEquals(2, value("SELECT ML_DROP('m')"));
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'm'"));
        assertEquals(0L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'm'"));
        assertFails("42704", "PREDICT", "SELECT PREDICT('m', ARRAY[0, 3])", "model m does not exist");
        assertFails("42704", "ML_DROP", "SELECT ML_DROP('m')", "model m does not exist");
        assertFails("42704", "ML_DROP", "SELECT ML_DROP('m', 1)", "model m");
        // The other model is untouched.
        assertEquals(1L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'other'"));
        assertEquals(otherLog, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'other'"));
        assertPredicts("other", 0);
    }

    @Test
    void droppingTheDefaultModelFallsBackToTheDeploymentBeforeIt() throws SQLException {
        train("a", ON_Y, QUICK);
        train("b", ON_SHIFTED, QUICK);
        assertDefaultPredicts(1);
        assertEquals(1, value("SELECT ML_DROP('b')"));
        assertDefaultPredicts(0);
        assertEquals(1, value("SELECT ML_DROP('a')"));
        assertFails("42704", "PREDICT", "SELECT PREDICT(ARRAY[0, 3])", "no model is deployed");
    }

    @Test
    void droppingTheDeployedVersionOfTheDefaultModelFallsBackToo() throws SQLException {
        train("a", ON_Y, QUICK);
        train("b", ON_SHIFTED, QUICK);
        train("b", ON_Y, QUICK.replace("}", ",\"deploy\":\"never\"}"));
        assertEquals(1, value("SELECT ML_DROP('b', 1)"));
        assertFails("42704", "PREDICT", "SELECT PREDICT('b', ARRAY[0, 3])", "no deployed version", "versions: [2]");
        assertDefaultPredicts(0); // a's deployment
    }

    // ---------------------------------------------------------------- helpers

    private List<Long> deployedVersions(String model) throws SQLException {
        return rows("SELECT VERSION FROM SQLNN.MODELS WHERE NAME = ? AND DEPLOYED ORDER BY VERSION", model).stream()
                .map(r -> (Long) r[0]).toList();
    }

    private double accuracy(String model, long version) throws Exception {
        String metrics = (String) value("SELECT CAST(METRICS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = ? AND VERSION = ?",
                model, version);
        return JSON.readTree(metrics).get("accuracy").asDouble();
    }

    /** PREDICT(model, centre of c) is (c + shift) % 3 for every class c. */
    private void assertPredicts(String model, int shift) throws SQLException {
        for (int c = 0; c < 3; c++) {
            assertEquals((c + shift) % 3, value("SELECT PREDICT('" + model + "', " + array(CENTRES[c]) + ")"),
                    model + " at the centre of class " + c);
        }
    }

    private void assertDefaultPredicts(int shift) throws SQLException {
        for (int c = 0; c < 3; c++) {
            assertEquals((c + shift) % 3, value("SELECT PREDICT(" + array(CENTRES[c]) + ")"),
                    "the default model at the centre of class " + c);
        }
    }
}

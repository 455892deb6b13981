package dev.sqlnn.model;

import dev.sqlnn.data.DataException;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Task;
import dev.sqlnn.eval.RocPoint;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QueryScorer} and {@link ModelEvaluation} on a model built by hand, whose outputs are known
 * exactly: 2-2 with softmax, weights the identity, so P(class 1) = 1 / (1 + e^(a - b)), and the
 * predicted class is 1 exactly when b > a. No sqlnn tables: a plain H2 table feeds the queries.
 */
class QueryScorerTest {

    /** More than one batch, and a partial last one. */
    private static final int ROWS = 2 * BatchScorer.BATCH + 37;

    private Connection connection;
    private final Model model = handMade().named("hand", 1);

    private static Model handMade() {
        Network net = new Network(new int[] {2, 2}, Activation.RELU, Activation.SOFTMAX,
                new float[][] {{1, 0, 0, 1}}, new float[][] {{0, 0}});
        return new Model(Task.CLASSIFICATION, LabelKind.INTEGER, List.of("0", "1"), List.of("A", "B"),
                Preprocessing.identity(FeatureKind.NUMERIC, 2), net, 0, 1);
    }

    @BeforeEach
    void table() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:");
        // a walks up, b down: b > a (class 1) for the first half; y is right except every 5th row.
        execute("CREATE TABLE t AS SELECT x AS id, CAST(x AS DOUBLE PRECISION) / " + ROWS + " AS a,"
                + " CAST(" + ROWS + " - x AS DOUBLE PRECISION) / " + ROWS + " AS b,"
                + " CASE WHEN MOD(x, 5) = 0 THEN 1 - CASE WHEN 2 * x < " + ROWS + " THEN 1 ELSE 0 END"
                + " ELSE CASE WHEN 2 * x < " + ROWS + " THEN 1 ELSE 0 END END AS y FROM SYSTEM_RANGE(1, " + ROWS + ")");
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void scoresEveryRowInBatchesWithTheFeaturesFoundByName() throws SQLException {
        List<Object[]> scored = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT id, b AS \"b\", a FROM t ORDER BY id")) {
            QueryScorer scorer = new QueryScorer(model, rows, rs -> new Object[] {rs.getInt(1)}, null);
            assertEquals(List.of("A", "b"), scorer.features().labels());
            assertFalse(scorer.features().isFeature(1));
            for (int n; (n = scorer.nextBatch()) > 0; ) {
                assertTrue(n <= BatchScorer.BATCH);
                for (int i = 0; i < n; i++) {
                    scored.add(new Object[] {scorer.values(i)[0], scorer.predictedClass(i), scorer.probability(i)});
                }
            }
            assertEquals(0, scorer.nextBatch());
            assertEquals(ROWS, scorer.rowsRead());
        }
        assertEquals(ROWS, scored.size());
        for (Object[] row : scored) {
            int x = (Integer) row[0];
            double a = (double) x / ROWS;
            double b = (double) (ROWS - x) / ROWS;
            int expected = b > a ? 1 : 0;
            assertEquals(expected, row[1], "row " + x);
            double p1 = 1 / (1 + Math.exp(a - b));
            assertEquals(expected == 1 ? p1 : 1 - p1, (Float) row[2], 1e-6, "row " + x);
        }
    }

    @Test
    void measuresTheModelOnLabelledRows() throws SQLException {
        ModelEvaluation evaluation;
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("SELECT a, b, y FROM t")) {
            evaluation = ModelEvaluation.evaluate(model, rows, null);
        }
        int wrong = ROWS / 5;
        assertEquals(ROWS, evaluation.rowCount());
        assertEquals((double) (ROWS - wrong) / ROWS, evaluation.classification().accuracy(), 1e-12);
        List<ModelEvaluation.Metric> metrics = evaluation.metrics();
        assertEquals(List.of("accuracy", "precision_macro", "recall_macro", "f1_macro", "log_loss", "roc_auc",
                "precision", "recall", "f1", "support", "precision", "recall", "f1", "support"),
                metrics.stream().map(ModelEvaluation.Metric::name).toList());
        long support = evaluation.confusionMatrix().stream().mapToLong(ModelEvaluation.Cell::count).sum();
        assertEquals(ROWS, support);
        List<RocPoint> curve = evaluation.rocCurve("1");
        assertEquals(0.0, curve.get(0).truePositiveRate());
        assertEquals(1.0, curve.get(curve.size() - 1).falsePositiveRate());
        assertThrows(IllegalArgumentException.class, () -> evaluation.rocCurve("2"));
        assertThrows(IllegalArgumentException.class, () -> evaluation.rocCurve(null));
    }

    @Test
    void refusesRowsItCannotMeasure() throws SQLException {
        assertEvaluationFails("SELECT a, b, y + 5 AS y FROM t", "never saw in training");
        assertEvaluationFails("SELECT a, b, y FROM t WHERE id < 0", "returned no rows");
        assertEvaluationFails("SELECT a, y FROM t", "expects 2 features");
        assertEvaluationFails("SELECT a, CASE WHEN id = 3 THEN NULL ELSE b END, y FROM t ORDER BY id",
                "row 3 has a NULL in feature column");
    }

    @Test
    void aNullFeatureLeavesItsRowUnscored() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT CASE WHEN id = 2 THEN NULL ELSE a END AS a, b FROM t ORDER BY id")) {
            QueryScorer scorer = new QueryScorer(model, rows, rs -> new Object[0], null);
            assertEquals(BatchScorer.BATCH, scorer.nextBatch());
            assertTrue(scorer.scored(0));
            assertFalse(scorer.scored(1));
            assertArrayEquals(new Object[0], scorer.values(1));
            assertThrows(IndexOutOfBoundsException.class, () -> scorer.values(BatchScorer.BATCH));
        }
    }

    private void assertEvaluationFails(String query, String fragment) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(query)) {
            DataException e = assertThrows(DataException.class, () -> ModelEvaluation.evaluate(model, rows, null));
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }
}

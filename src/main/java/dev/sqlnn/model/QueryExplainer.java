package dev.sqlnn.model;

import dev.sqlnn.nn.Engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Scores and explains the rows of a query batch by batch, as {@code ML_EXPLAIN_PREDICT} streams
 * them: a {@link QueryScorer} reads and scores each batch exactly as {@code ML_PREDICT} does, then
 * {@link IntegratedGradients} attributes each scored row's prediction to the model's inputs (the
 * predicted class's probability, or a regression's value). The caller runs the query and closes it.
 */
public final class QueryExplainer {

    private final Model model;
    private final QueryScorer scorer;
    private final IntegratedGradients gradients;
    private final Runnable betweenRows;
    private final IntegratedGradients.Explanation[] explanations;
    private int count;

    /**
     * @param betweenRows called after each row's explanation and each batch, e.g. to stop when the
     *                    statement is cancelled (it may throw); may be null
     * @throws dev.sqlnn.data.DataException when the query lacks the model's feature columns
     */
    public QueryExplainer(Model model, ResultSet rows, QueryScorer.RowReader reader, Runnable betweenRows)
            throws SQLException {
        this.model = model;
        this.scorer = new QueryScorer(model, rows, reader, betweenRows);
        this.gradients = new IntegratedGradients(model, Engine.threads());
        this.betweenRows = betweenRows;
        this.explanations = new IntegratedGradients.Explanation[BatchScorer.BATCH];
    }

    /** The name of each attribution, in order: {@link Model#inputNames()}. */
    public List<String> inputNames() {
        return model.inputNames();
    }

    /** Reads, scores and explains the next rows; returns how many, 0 once the query has no more. */
    public int nextBatch() throws SQLException {
        count = scorer.nextBatch();
        float[] inputs = scorer.scaledInputs();
        int width = model.inputWidth();
        for (int i = 0; i < count; i++) {
            if (!scorer.scored(i)) {
                explanations[i] = null;
                continue;
            }
            int unit = model.isClassifier() ? scorer.predictedClass(i) : 0;
            explanations[i] = gradients.explain(inputs, i * width, unit);
            if (betweenRows != null) betweenRows.run();
        }
        return count;
    }

    /** What the row reader kept of row {@code i} of the batch. */
    public Object[] values(int i) {
        return scorer.values(i);
    }

    /** Whether row {@code i} was scored and explained: false when its features were NULL. */
    public boolean scored(int i) {
        return scorer.scored(i);
    }

    /** The class predicted for row {@code i}, an index into the model's classes: the class explained. */
    public int predictedClass(int i) {
        return scorer.predictedClass(i);
    }

    /** The probability of the predicted class of row {@code i}, as {@code ML_PREDICT} gives it. */
    public float probability(int i) {
        return scorer.probability(i);
    }

    /** A regression's prediction for row {@code i}, in the label's units. */
    public double predictedValue(int i) {
        return scorer.predictedValue(i);
    }

    /** Row {@code i}'s attributions; null when it was not scored. */
    public IntegratedGradients.Explanation explanation(int i) {
        scorer.values(i); // checks i
        return explanations[i];
    }
}

package dev.sqlnn.model;

import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.nn.Engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Scores the rows of a query batch by batch, as {@code ML_PREDICT} streams them: each call of
 * {@link #nextBatch()} reads up to {@link BatchScorer#BATCH} rows, keeps what the caller wants of
 * each (its {@link RowReader}), and runs their features through the network in one matrix-matrix
 * product per layer. The features are found by {@link FeatureColumns#forPrediction}; a row whose
 * features are NULL is read but not {@link #scored}. The caller runs the query and closes it.
 */
public final class QueryScorer {

    /** What to keep of each row besides its prediction, e.g. every column's value. */
    @FunctionalInterface
    public interface RowReader {
        Object[] read(ResultSet rs) throws SQLException;
    }

    private final Model model;
    private final ResultSet rows;
    private final FeatureColumns features;
    private final RowReader reader;
    private final Runnable betweenBatches;
    private final BatchScorer scorer;
    private final Object[][] values;
    private final boolean[] scored;
    /** A batch's feature bytes, when the features are bytes: scaled all at once, on every thread. */
    private final byte[][] bytes;
    private int count;
    private long rowsRead;
    private boolean done;

    /**
     * @param betweenBatches called after each batch, e.g. to stop when the statement is cancelled (it may throw); may be null
     * @throws dev.sqlnn.data.DataException when the query lacks the model's feature columns
     */
    public QueryScorer(Model model, ResultSet rows, RowReader reader, Runnable betweenBatches)
            throws SQLException {
        this.model = model;
        this.rows = rows;
        this.features = FeatureColumns.forPrediction(model, rows.getMetaData());
        this.reader = reader;
        this.betweenBatches = betweenBatches;
        this.scorer = model.batchScorer(BatchScorer.BATCH, Engine.threads());
        this.values = new Object[scorer.capacity()][];
        this.scored = new boolean[scorer.capacity()];
        this.bytes = features.isBytes() ? new byte[scorer.capacity()][] : null;
    }

    public FeatureColumns features() {
        return features;
    }

    /** Reads and scores the next rows; returns how many, 0 once the query has no more. */
    public int nextBatch() throws SQLException {
        count = 0;
        if (done) return 0;
        float[] inputs = scorer.inputs();
        int width = model.inputWidth();
        while (count < scorer.capacity()) {
            if (!rows.next()) {
                done = true;
                break;
            }
            rowsRead++;
            values[count] = reader.read(rows);
            if (bytes != null) {
                bytes[count] = features.readBytes(rows, rowsRead);
                scored[count] = bytes[count] != null;
            } else {
                scored[count] = features.read(rows, rowsRead, inputs, count * width);
                // A row without features is scored as zeros, to keep the batch contiguous, and its outputs ignored.
                if (!scored[count]) Arrays.fill(inputs, count * width, (count + 1) * width, 0f);
            }
            count++;
        }
        if (bytes != null) scaleBytes(inputs, width);
        scorer.score(count);
        if (count > 0 && betweenBatches != null) betweenBatches.run();
        return count;
    }

    /**
     * Scales the batch's feature bytes into {@code inputs}, split across the threads by rows: reading
     * rows from the query is the serial part of a batch, so the scaling is taken out of it.
     */
    private void scaleBytes(float[] inputs, int width) {
        Preprocessing p = model.preprocessing();
        scorer.forEachRow(count, width, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (bytes[r] == null) {
                    Arrays.fill(inputs, r * width, (r + 1) * width, 0f); // scored as zeros, ignored
                } else {
                    p.apply(bytes[r], 0, inputs, r * width);
                }
            }
        });
    }

    /** The batch's scaled inputs, one row of {@code inputWidth} per row read: what the network saw. */
    float[] scaledInputs() {
        return scorer.inputs();
    }

    /** What the {@link RowReader} kept of row {@code i} of the batch. */
    public Object[] values(int i) {
        return values[check(i)];
    }

    /** Whether row {@code i} was scored: false when its features were NULL. */
    public boolean scored(int i) {
        return scored[check(i)];
    }

    /** The class predicted for row {@code i}: an index into the model's classes. */
    public int predictedClass(int i) {
        return scorer.classIndex(check(i));
    }

    /** The probability of the predicted class of row {@code i}. */
    public float probability(int i) {
        return scorer.probability(check(i));
    }

    /** The value a regression model predicts for row {@code i}, in the label's units. */
    public double predictedValue(int i) {
        return scorer.value(check(i));
    }

    /** Rows read so far. */
    public long rowsRead() {
        return rowsRead;
    }

    private int check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("row " + i + " of a batch of " + count);
        return i;
    }
}

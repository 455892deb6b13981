package dev.sqlnn.sql;

import dev.sqlnn.call.Arguments;
import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.model.GlobalExplanation;
import dev.sqlnn.model.IntegratedGradients;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.QueryExplainer;
import dev.sqlnn.store.ModelRegistry;
import org.h2.message.DbException;
import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

/**
 * Why a model predicts what it does: {@code ML_EXPLAIN_PREDICT} and {@code ML_GLOBAL_EXPLAIN},
 * installed by the V6 migration. The attributions are the model layer's ({@link IntegratedGradients}:
 * baseline, output and steps are described there); this class checks the arguments, streams the
 * rows to H2 and turns failures into {@link SQLException}s, as {@link TableFunctions} does for
 * {@code ML_PREDICT}.
 */
public final class ExplainFunctions {

    private ExplainFunctions() {
    }

    // ---------------------------------------------------------------- ML_EXPLAIN_PREDICT

    /** {@code ML_EXPLAIN_PREDICT(model, query)}: the {@link Arguments#DEFAULT_TOP_K} (5) top features of each row. */
    public static ResultSet explainPredict(Connection connection, String model, String query) throws SQLException {
        return explainPredict(connection, model, query, Arguments.DEFAULT_TOP_K);
    }

    /**
     * {@code ML_EXPLAIN_PREDICT(model, query, top_k)}: for each row of {@code query}, one result row
     * per feature among its {@code top_k} largest absolute attributions (every feature when the model
     * has fewer), ranked from 1: the query's columns, {@code PREDICTION}, {@code PROBABILITY} (for a
     * classifier), {@code BASELINE} (the explained output at the baseline), {@code RANK},
     * {@code FEATURE} and {@code ATTRIBUTION}. A row whose features are NULL gives one result row,
     * NULL from {@code PREDICTION} on.
     */
    public static ResultSet explainPredict(Connection connection, String model, String query, Integer topK)
            throws SQLException {
        String fn = "ML_EXPLAIN_PREDICT";
        SqlErrors.call(fn, () -> ModelRegistry.checkName(model));
        Arguments.query(fn, query, "SELECT id, image FROM digits");
        int k = Arguments.topK(fn, topK);
        if (Functions.isColumnListCall(connection)) {
            return TableFunctions.predictionColumnsOnly(fn, connection, model, query, true);
        }
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        Model m = TableFunctions.deployed(fn, connection, model);
        Functions.requireSingleStatement(fn, connection, query);
        Statement statement = connection.createStatement();
        try {
            ResultSet rows = Functions.streamed(connection, statement, query); // its own errors propagate unchanged
            PredictionColumns columns = TableFunctions.predictionColumns(fn, m, rows.getMetaData(), true);
            QueryExplainer explainer = SqlErrors.call(fn,
                    () -> new QueryExplainer(m, rows, columns::passThrough, cancel::check));
            return columns.streaming(new ExplanationRows(fn, m, explainer, columns, k, statement));
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Hands H2 each row's top features one by one, explaining a batch whenever the last one is used up. */
    private static final class ExplanationRows implements SimpleRowSource {

        private final String fn;
        private final Model model;
        private final QueryExplainer explainer;
        private final PredictionColumns columns;
        private final int topK;
        private final Statement statement;
        private final List<String> names;
        private int count;
        private int next;
        /** The current row's ranked inputs, and how many of them were handed over. */
        private int[] ranked;
        private int rank;
        private boolean closed;

        ExplanationRows(String fn, Model model, QueryExplainer explainer, PredictionColumns columns, int topK,
                        Statement statement) {
            this.fn = fn;
            this.model = model;
            this.explainer = explainer;
            this.columns = columns;
            this.topK = topK;
            this.statement = statement;
            this.names = explainer.inputNames();
        }

        @Override
        public Object[] readRow() throws SQLException {
            if (closed) return null;
            try {
                if (ranked == null || rank == ranked.length) {
                    if (!nextInputRow()) {
                        close();
                        return null;
                    }
                }
                return row(next - 1, rank++);
            } catch (DbException e) {
                close();
                throw CancelCheck.canceledOr(fn, e);
            } catch (RuntimeException e) {
                close();
                throw SqlErrors.translate(fn, e);
            } catch (SQLException e) {
                close();
                throw e;
            }
        }

        /** Moves to the next row of the query, explaining a batch when needed; false at the end. */
        private boolean nextInputRow() throws SQLException {
            if (next == count) {
                count = explainer.nextBatch();
                next = 0;
                if (count == 0) return false;
            }
            IntegratedGradients.Explanation e = explainer.explanation(next++);
            ranked = e == null ? new int[] {-1} : e.top(topK); // a row without features: one row of NULLs
            rank = 0;
            return true;
        }

        private Object[] row(int i, int r) {
            Object[] values = explainer.values(i);
            Object[] row = Arrays.copyOf(values, columns.width());
            IntegratedGradients.Explanation e = explainer.explanation(i);
            if (e == null) return row;
            int at = columns.predictionColumn();
            if (!model.isClassifier()) {
                row[at] = explainer.predictedValue(i);
            } else {
                row[at] = model.classValue(explainer.predictedClass(i));
                row[at + 1] = (double) explainer.probability(i);
            }
            int input = ranked[r];
            at = columns.explanationColumn();
            row[at] = e.baseline();
            row[at + 1] = r + 1;
            row[at + 2] = names.get(input);
            row[at + 3] = e.attributions()[input];
            return row;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            try {
                statement.close();
            } catch (SQLException ignored) {
                // The rows are all read or the call failed already; nothing to report.
            }
        }

        @Override
        public void reset() {
            throw new IllegalStateException(fn + " streams its rows once and cannot rewind");
        }
    }

    // ---------------------------------------------------------------- ML_GLOBAL_EXPLAIN

    /**
     * {@code ML_GLOBAL_EXPLAIN(model, query)}: {@code RANK, FEATURE, MEAN_ABS_ATTRIBUTION,
     * MEAN_ATTRIBUTION}, one row per feature, the largest mean absolute attribution first, over the
     * rows of {@code query} that have features (each explained for its own predicted class); no rows
     * when none has.
     */
    public static ResultSet globalExplain(Connection connection, String model, String query) throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("RANK", Types.INTEGER, 10, 0);
        result.addColumn("FEATURE", Types.VARCHAR, TableFunctions.TEXT_LENGTH, 0);
        result.addColumn("MEAN_ABS_ATTRIBUTION", Types.DOUBLE, 17, 0);
        result.addColumn("MEAN_ATTRIBUTION", Types.DOUBLE, 17, 0);
        String fn = "ML_GLOBAL_EXPLAIN";
        SqlErrors.call(fn, () -> ModelRegistry.checkName(model));
        Arguments.query(fn, query, "SELECT image FROM digits");
        if (Functions.isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        Model m = TableFunctions.deployed(fn, connection, model);
        Functions.requireSingleStatement(fn, connection, query);
        List<GlobalExplanation.Feature> features;
        try (Statement statement = connection.createStatement();
             ResultSet rows = Functions.streamed(connection, statement, query)) { // its own errors propagate unchanged
            features = GlobalExplanation.of(m, rows, cancel::check);
        } catch (DbException e) {
            throw CancelCheck.canceledOr(fn, e);
        } catch (RuntimeException e) {
            throw SqlErrors.translate(fn, e);
        }
        for (GlobalExplanation.Feature f : features) {
            result.addRow(f.rank(), f.name(), f.meanAbsoluteAttribution(), f.meanAttribution());
        }
        return result;
    }
}

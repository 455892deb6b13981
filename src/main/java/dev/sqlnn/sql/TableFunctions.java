package dev.sqlnn.sql;

import dev.sqlnn.call.Arguments;
import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.eval.RocPoint;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelEvaluation;
import dev.sqlnn.model.ParameterRows;
import dev.sqlnn.model.QueryScorer;
import dev.sqlnn.store.ModelRegistry;
import org.h2.message.DbException;
import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

/**
 * The table functions of the analyst: {@code ML_PREDICT}, {@code ML_EVALUATE},
 * {@code ML_CONFUSION_MATRIX}, {@code ML_ROC_CURVE} and {@code ML_WEIGHTS}, installed by the V3
 * migration as {@code CREATE ALIAS}es. Like {@link Functions}, each runs on the caller's own session
 * (queries with the caller's rights) and turns failures into {@link SQLException}s through
 * {@link SqlErrors}; the reading and scoring of queries is the model layer's.
 *
 * <p>H2 calls a table function once more than it seems: first only for its column list, through a
 * connection whose URL is {@code jdbc:columnlist:connection}. That call runs no query and scores
 * nothing; {@code ML_PREDICT} answers it from the query's prepared metadata and the model.
 */
public final class TableFunctions {

    /** The longest text H2 holds; the declared length of text columns. */
    static final int TEXT_LENGTH = 1_000_000_000;

    private TableFunctions() {
    }

    // ---------------------------------------------------------------- ML_PREDICT

    /**
     * {@code ML_PREDICT(model, query)}: every row of {@code query}, every column, with
     * {@code PREDICTION} (INTEGER, BIGINT, VARCHAR or DOUBLE, like the label) and, for classifiers,
     * {@code PROBABILITY} (of the predicted class) appended; NULL for rows whose features are NULL.
     */
    public static ResultSet predict(Connection connection, String model, String query) throws SQLException {
        String fn = "ML_PREDICT";
        Arguments.query(fn, query, "SELECT id, image FROM digits");
        if (Functions.isColumnListCall(connection)) return predictionColumnsOnly(fn, connection, model, query, false);
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        Model m = deployed(fn, connection, model);
        Functions.requireSingleStatement(fn, connection, query);
        Statement statement = connection.createStatement();
        try {
            ResultSet rows = Functions.streamed(connection, statement, query); // its own errors propagate unchanged
            PredictionColumns columns = columns(fn, m, rows.getMetaData());
            QueryScorer scorer = SqlErrors.call(fn, () -> new QueryScorer(m, rows, columns::passThrough, cancel::check));
            return columns.streaming(new PredictionRows(fn, m, scorer, columns, statement));
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /**
     * H2's column-list call of a function whose result is the query's rows with a prediction
     * ({@code ML_PREDICT}, and with the explanation's columns {@code ML_EXPLAIN_PREDICT}): prepares
     * the query for its metadata, but neither runs it nor scores.
     */
    static ResultSet predictionColumnsOnly(String fn, Connection connection, String model, String query, boolean explained)
            throws SQLException {
        return CancelCheck.keepingTheCallingStatement(connection, () -> {
            Model m = deployed(fn, connection, model);
            Functions.requireSingleStatement(fn, connection, query);
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                ResultSetMetaData meta = statement.getMetaData();
                if (meta == null) throw SqlErrors.badArgument(fn, "the query must return rows; got " + query);
                return predictionColumns(fn, m, meta, explained).empty();
            }
        });
    }

    private static PredictionColumns columns(String fn, Model m, ResultSetMetaData meta) throws SQLException {
        return predictionColumns(fn, m, meta, false);
    }

    static PredictionColumns predictionColumns(String fn, Model m, ResultSetMetaData meta, boolean explained)
            throws SQLException {
        return SqlErrors.call(fn, () -> new PredictionColumns(fn, m, meta, explained));
    }

    /** Hands H2 the scored rows one by one, scoring a batch whenever the last one is used up. */
    private static final class PredictionRows implements SimpleRowSource {

        private final String fn;
        private final Model model;
        private final QueryScorer scorer;
        private final PredictionColumns columns;
        private final Statement statement;
        private int next;
        private int count;
        private boolean closed;

        PredictionRows(String fn, Model model, QueryScorer scorer, PredictionColumns columns, Statement statement) {
            this.fn = fn;
            this.model = model;
            this.scorer = scorer;
            this.columns = columns;
            this.statement = statement;
        }

        @Override
        public Object[] readRow() throws SQLException {
            if (closed) return null;
            try {
                if (next == count) {
                    count = scorer.nextBatch();
                    next = 0;
                    if (count == 0) {
                        close();
                        return null;
                    }
                }
                int i = next++;
                Object[] values = scorer.values(i);
                Object[] row = java.util.Arrays.copyOf(values, columns.width());
                if (scorer.scored(i)) {
                    if (!model.isClassifier()) {
                        row[values.length] = scorer.predictedValue(i);
                    } else {
                        row[values.length] = model.classValue(scorer.predictedClass(i));
                        row[values.length + 1] = (double) scorer.probability(i);
                    }
                }
                return row;
            } catch (DbException e) {
                close();
                throw canceledOr(fn, e);
            } catch (RuntimeException e) {
                close();
                throw SqlErrors.translate(fn, e);
            } catch (SQLException e) {
                close();
                throw e;
            }
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

    // ---------------------------------------------------------------- ML_EVALUATE and friends

    /**
     * {@code ML_EVALUATE(model, query)}: {@code METRIC, CLASS, SCORE}, one row per figure (see
     * {@link ModelEvaluation#metrics()}); an undefined score is NULL.
     */
    public static ResultSet evaluate(Connection connection, String model, String query) throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("METRIC", Types.VARCHAR, TEXT_LENGTH, 0);
        result.addColumn("CLASS", Types.VARCHAR, TEXT_LENGTH, 0);
        result.addColumn("SCORE", Types.DOUBLE, 17, 0);
        if (Functions.isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        ModelEvaluation evaluation = evaluation("ML_EVALUATE", connection, model, query);
        for (ModelEvaluation.Metric m : evaluation.metrics()) {
            result.addRow(m.name(), m.className(), Double.isNaN(m.score()) ? null : m.score());
        }
        return result;
    }

    /**
     * {@code ML_CONFUSION_MATRIX(model, query)}: {@code ACTUAL, PREDICTED, COUNT} for every pair of
     * classes that occurs; a pair that is not listed has count 0.
     */
    public static ResultSet confusionMatrix(Connection connection, String model, String query) throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("ACTUAL", Types.VARCHAR, TEXT_LENGTH, 0);
        result.addColumn("PREDICTED", Types.VARCHAR, TEXT_LENGTH, 0);
        result.addColumn("COUNT", Types.BIGINT, 19, 0);
        if (Functions.isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        String fn = "ML_CONFUSION_MATRIX";
        ModelEvaluation evaluation = evaluation(fn, connection, model, query);
        for (ModelEvaluation.Cell cell : SqlErrors.call(fn, evaluation::confusionMatrix)) {
            result.addRow(cell.actual(), cell.predicted(), cell.count());
        }
        return result;
    }

    /**
     * {@code ML_ROC_CURVE(model, query, class)}: {@code THRESHOLD, TPR, FPR} of one class (given as
     * text) against the rest, from (0, 0) at threshold +Infinity to (1, 1).
     */
    public static ResultSet rocCurve(Connection connection, String model, String query, String className)
            throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("THRESHOLD", Types.DOUBLE, 17, 0);
        result.addColumn("TPR", Types.DOUBLE, 17, 0);
        result.addColumn("FPR", Types.DOUBLE, 17, 0);
        if (Functions.isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        String fn = "ML_ROC_CURVE";
        ModelEvaluation evaluation = evaluation(fn, connection, model, query);
        for (RocPoint p : SqlErrors.call(fn, () -> evaluation.rocCurve(className))) {
            result.addRow(p.threshold(), p.truePositiveRate(), p.falsePositiveRate());
        }
        return result;
    }

    /** Runs {@code query} and measures the deployed version of {@code model} on its rows. */
    private static ModelEvaluation evaluation(String fn, Connection connection, String model, String query)
            throws SQLException {
        Arguments.query(fn, query, "SELECT image, label FROM digits_test");
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        Model m = deployed(fn, connection, model);
        Functions.requireSingleStatement(fn, connection, query);
        try (Statement statement = connection.createStatement();
             ResultSet rows = Functions.streamed(connection, statement, query)) { // its own errors propagate unchanged
            return ModelEvaluation.evaluate(m, rows, cancel::check);
        } catch (DbException e) {
            throw canceledOr(fn, e);
        } catch (RuntimeException e) {
            throw SqlErrors.translate(fn, e);
        }
    }

    // ---------------------------------------------------------------- ML_WEIGHTS

    /** {@code ML_WEIGHTS(model)}: the weights and biases of the deployed version. */
    public static ResultSet weights(Connection connection, String model) throws SQLException {
        return weights(connection, model, null);
    }

    /**
     * {@code ML_WEIGHTS(model, version)}: {@code LAYER, OUTPUT_UNIT, INPUT_UNIT, WEIGHT}, one row per
     * parameter, numbered from 1: layer 1 maps the features (input unit i is feature i, in the order
     * of the training columns or array elements) to the first hidden layer; a bias has
     * {@code INPUT_UNIT} NULL. A NULL version means the deployed one.
     */
    public static ResultSet weights(Connection connection, String model, Long version) throws SQLException {
        String fn = "ML_WEIGHTS";
        if (Functions.isColumnListCall(connection)) return weightColumns(null); // H2 only wants the columns
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        Model m = SqlErrors.call(fn, () -> {
            ModelRegistry registry = new ModelRegistry(connection);
            String name = ModelRegistry.checkName(model);
            return version == null ? registry.deployed(name) : registry.version(name, version);
        });
        return weightColumns(new WeightRows(fn, m, cancel));
    }

    private static SimpleResultSet weightColumns(SimpleRowSource rows) {
        SimpleResultSet result = rows == null ? new SimpleResultSet() : new SimpleResultSet(rows);
        result.addColumn("LAYER", Types.INTEGER, 10, 0);
        result.addColumn("OUTPUT_UNIT", Types.INTEGER, 10, 0);
        result.addColumn("INPUT_UNIT", Types.INTEGER, 10, 0);
        result.addColumn("WEIGHT", Types.REAL, 7, 0);
        return result;
    }

    /**
     * The parameters as H2 rows, streamed. H2 reads them all before it looks at the statement again,
     * and a wide network has millions: so they stop at a cancel every {@link #ROWS_PER_CHECK} rows.
     */
    private static final class WeightRows implements SimpleRowSource {

        static final int ROWS_PER_CHECK = 65_536;

        private final String fn;
        private final Model model;
        private final CancelCheck cancel;
        private ParameterRows rows;
        private long read;

        WeightRows(String fn, Model model, CancelCheck cancel) {
            this.fn = fn;
            this.model = model;
            this.cancel = cancel;
            this.rows = new ParameterRows(model);
        }

        @Override
        public Object[] readRow() throws SQLException {
            if (read++ % ROWS_PER_CHECK == 0) cancel.check(fn);
            if (!rows.hasNext()) return null;
            ParameterRows.Row r = rows.next();
            return new Object[] {r.layer(), r.outputUnit(), r.inputUnit(), r.weight()};
        }

        @Override
        public void close() {
        }

        @Override
        public void reset() {
            rows = new ParameterRows(model);
            read = 0;
        }
    }

    // ---------------------------------------------------------------- shared

    static Model deployed(String fn, Connection connection, String model) throws SQLException {
        return SqlErrors.call(fn, () -> new ModelRegistry(connection).deployed(ModelRegistry.checkName(model)));
    }

    /** A cancellation (57014) with the function's name; any other error of the database as it is. */
    private static SQLException canceledOr(String fn, DbException e) {
        return CancelCheck.canceledOr(fn, e);
    }

    /** Scoring uses every core: a table function runs one statement, and its products are the work. */
}

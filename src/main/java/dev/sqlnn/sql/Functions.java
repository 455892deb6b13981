package dev.sqlnn.sql;

import dev.sqlnn.call.Arguments;
import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.model.About;
import dev.sqlnn.model.HyperparameterSearch;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelTrainer;
import dev.sqlnn.model.StartingModel;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.options.TrainingRequest;
import dev.sqlnn.store.EmbeddedSession;
import dev.sqlnn.store.LogRow;
import dev.sqlnn.store.ModelRegistry;
import dev.sqlnn.store.TrainingRun;
import dev.sqlnn.store.TrialRow;
import org.h2.command.Command;
import org.h2.command.CommandContainer;
import org.h2.engine.SessionLocal;
import org.h2.message.DbException;
import org.h2.tools.SimpleResultSet;
import org.h2.value.Value;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * The stored functions, one {@code public static} method per SQL signature, installed by the H2
 * migration as {@code CREATE ALIAS}es. H2 supplies the leading {@link Connection}: the caller's
 * own session, so queries run with the caller's rights and writes join the caller's transaction; all
 * but {@code ML_TRAIN}'s training log and run, which other connections must see while it trains, and
 * which a {@link SideSession} commits as they come.
 *
 * <p>Each method checks its arguments, calls the model layer, and turns failures into
 * {@link SQLException}s through {@link SqlErrors}.
 */
public final class Functions {

    /** The URL of the connection H2 passes when it only wants a table function's columns. */
    private static final String COLUMN_LIST_URL = "jdbc:columnlist:connection";

    private Functions() {
    }

    /** {@code ML_TRAIN(model, query, options)}: trains and saves a new version; returns it. */
    public static long train(Connection connection, String model, String query, String options) throws SQLException {
        String fn = "ML_TRAIN";
        TrainingRequest request = Arguments.training(model, query, options);
        TrainingOptions parsed = request.options();
        CancelCheck cancelCheck = new CancelCheck(connection); // before any query: it sees the calling statement
        requireSingleStatement(fn, connection, query);
        // The query's own errors (missing table, no rights, syntax) propagate unchanged, and come before
        // anything is written. Then each epoch's log row is committed through the side session as the
        // epoch ends, and the model row goes into the caller's transaction; closing the run of a
        // training that failed deletes its rows.
        try (Statement statement = connection.createStatement();
             ResultSet rows = streamed(connection, statement, query);
             SideSession side = SideSession.open(connection);
             TrainingRun run = new ModelRegistry(connection).startTraining(model,
                     side == null ? null : side.connection())) {
            if (request.search() != null) {
                // The trials' batches check for a cancel, from the pool's threads too; the run logs the kept model's epochs.
                return run.save(HyperparameterSearch.run(rows, request.search(), cancelCheck, run, true));
            }
            StartingModel start = new ModelRegistry(connection).startingModel(model, parsed.warmStart());
            TrainedModel trained = ModelTrainer.train(rows, parsed, cancelCheck.andThen(run), start);
            return run.save(trained);
        } catch (DbException e) {
            SQLException sql = DbException.toSQLException(e);
            throw "57014".equals(sql.getSQLState()) ? SqlErrors.canceled(fn, sql) : sql;
        } catch (RuntimeException e) {
            throw SqlErrors.translate(fn, e);
        }
    }

    /**
     * Runs a query argument lazily, so that H2 hands over its rows as they are read instead of
     * buffering all of them first (an in-memory database cannot spill a large result to disk): the
     * only copy of a training's rows is then sqlnn's compact one, which stops at its share of the heap
     * rather than running out of memory, and a cancelled scoring stops reading within its batch. The
     * session's own setting is put back at once; the result stays lazy. (H2 shows the setting nowhere
     * in SQL, hence its session object.)
     */
    static ResultSet streamed(Connection connection, Statement statement, String query) throws SQLException {
        SessionLocal session = EmbeddedSession.of(connection);
        if (session == null) return statement.executeQuery(query);
        boolean wasLazy = session.isLazyQueryExecution();
        session.setLazyQueryExecution(true);
        try {
            return statement.executeQuery(query);
        } finally {
            session.setLazyQueryExecution(wasLazy);
        }
    }

    /**
     * Refuses a query argument of several statements, before anything runs it. Given
     * {@code "SELECT ...; DROP TABLE t"}, H2's {@code executeQuery} returns the first statement's rows
     * and runs the others too, with the caller's rights. Preparing runs nothing: so the text is
     * prepared here and must be one statement (a trailing ';' or comment is fine). That it is a query
     * {@code executeQuery} checks itself, before running it (90002). The database's own errors (syntax,
     * missing table, rights) propagate as they are. Outside H2's engine this checks nothing.
     */
    static void requireSingleStatement(String fn, Connection connection, String query) throws SQLException {
        SessionLocal session = EmbeddedSession.of(connection);
        if (session == null) return;
        Command command;
        try {
            command = session.prepareLocal(query);
        } catch (DbException e) {
            throw DbException.toSQLException(e);
        }
        try {
            if (!(command instanceof CommandContainer)) {
                throw SqlErrors.badArgument(fn, "the query must be a single statement; this one has several,"
                        + " separated by ';', and none was run: " + query);
            }
        } finally {
            command.close(); // lets the statement that runs the query reuse the prepared command
        }
    }

    /** {@code PREDICT(features)}: the class predicted by the default model (the one deployed last). */
    public static Integer predict(Connection connection, Value features) throws SQLException {
        if (FeatureReader.isNull(features)) return null;
        return SqlErrors.call("PREDICT", () -> predictInteger(new ModelRegistry(connection).defaultModel(), features));
    }

    /** {@code PREDICT(model, features)}: the class predicted by the deployed version of {@code model}. */
    public static Integer predict(Connection connection, String model, Value features) throws SQLException {
        if (FeatureReader.isNull(features)) return null;
        return SqlErrors.call("PREDICT", () -> predictInteger(deployed(connection, model), features));
    }

    /**
     * {@code PREDICT(model, column1, column2, ...)}: the class predicted from the values of the model's
     * feature columns, in training order, of any type they had (numbers, text, booleans); NULLs are
     * imputed as in training. So are the three functions below.
     */
    public static Integer predict(Connection connection, String model, Value first, Value second, Value... more)
            throws SQLException {
        return SqlErrors.call("PREDICT", () -> deployed(connection, model).predictInteger(FeatureReader.row(first, second, more)));
    }

    /** {@code PREDICT_LABEL(model, column1, column2, ...)}. */
    public static String predictLabel(Connection connection, String model, Value first, Value second, Value... more)
            throws SQLException {
        return SqlErrors.call("PREDICT_LABEL", () -> deployed(connection, model).predictLabel(FeatureReader.row(first, second, more)));
    }

    /** {@code PREDICT_VALUE(model, column1, column2, ...)}. */
    public static Double predictValue(Connection connection, String model, Value first, Value second, Value... more)
            throws SQLException {
        return SqlErrors.call("PREDICT_VALUE", () -> deployed(connection, model).predictValue(FeatureReader.row(first, second, more)));
    }

    /** {@code PREDICT_PROBA(model, column1, column2, ...)}. */
    public static Float[] predictProba(Connection connection, String model, Value first, Value second, Value... more)
            throws SQLException {
        return SqlErrors.call("PREDICT_PROBA", () -> boxed(deployed(connection, model)
                .predictProbabilities(FeatureReader.row(first, second, more))));
    }

    /** {@code PREDICT_LABEL(model, features)}: the predicted class as text, for any classifier. */
    public static String predictLabel(Connection connection, String model, Value features) throws SQLException {
        if (FeatureReader.isNull(features)) return null;
        return SqlErrors.call("PREDICT_LABEL", () -> {
            Model m = deployed(connection, model);
            return m.predictLabel(FeatureReader.row(features, m));
        });
    }

    /** {@code PREDICT_VALUE(model, features)}: the output of a regression model, in the label's units. */
    public static Double predictValue(Connection connection, String model, Value features) throws SQLException {
        if (FeatureReader.isNull(features)) return null;
        return SqlErrors.call("PREDICT_VALUE", () -> {
            Model m = deployed(connection, model);
            return m.predictValue(FeatureReader.row(features, m));
        });
    }

    /** {@code PREDICT_PROBA(model, features)}: class probabilities, in the order of the model's classes. */
    public static Float[] predictProba(Connection connection, String model, Value features) throws SQLException {
        if (FeatureReader.isNull(features)) return null;
        return SqlErrors.call("PREDICT_PROBA", () -> {
            Model m = deployed(connection, model);
            return boxed(m.predictProbabilities(FeatureReader.row(features, m)));
        });
    }

    private static Float[] boxed(float[] p) {
        Float[] boxed = new Float[p.length];
        for (int i = 0; i < p.length; i++) boxed[i] = p[i];
        return boxed;
    }

    /**
     * {@code ML_TRAINING_INFO(model)}: the per-epoch log of every version of a model, including a
     * training still under way (each epoch appears as it ends, before the model row exists) and one
     * that never saved its model (see {@code SQLNN.TRAINING_RUNS.STATUS}).
     */
    public static ResultSet trainingInfo(Connection connection, String model) throws SQLException {
        return trainingInfo(connection, model, null);
    }

    /** {@code ML_TRAINING_INFO(model, version)}: the per-epoch log of one version. */
    public static ResultSet trainingInfo(Connection connection, String model, Long version) throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("VERSION", Types.BIGINT, 19, 0);
        result.addColumn("EPOCH", Types.INTEGER, 10, 0);
        result.addColumn("TRAIN_LOSS", Types.DOUBLE, 17, 0);
        result.addColumn("VALIDATION_LOSS", Types.DOUBLE, 17, 0);
        result.addColumn("VALIDATION_METRIC", Types.DOUBLE, 17, 0);
        result.addColumn("LEARNING_RATE", Types.DOUBLE, 17, 0);
        result.addColumn("SECONDS", Types.DOUBLE, 17, 0);
        result.addColumn("ROWS_PER_SECOND", Types.DOUBLE, 17, 0);
        if (isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        String fn = "ML_TRAINING_INFO";
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        List<LogRow> log = SqlErrors.call(fn, () -> new ModelRegistry(connection).trainingLog(model, version));
        cancel.check(fn); // the log is read at once; a statement cancelled meanwhile returns no rows
        for (LogRow row : log) {
            var e = row.entry();
            result.addRow(row.version(), e.epoch(), e.trainLoss(), e.validationLoss(), e.validationMetric(),
                    e.learningRate(), e.seconds(), e.rowsPerSecond());
        }
        return result;
    }

    /**
     * {@code ML_TRIALS(model)}: the trials of the newest version of {@code model} that a hyperparameter
     * search made, by number.
     */
    public static ResultSet trials(Connection connection, String model) throws SQLException {
        return trials(connection, model, null);
    }

    /** {@code ML_TRIALS(model, version)}: the trials of the search that made that version. */
    public static ResultSet trials(Connection connection, String model, Long version) throws SQLException {
        SimpleResultSet result = new SimpleResultSet();
        result.addColumn("VERSION", Types.BIGINT, 19, 0);
        result.addColumn("TRIAL", Types.INTEGER, 10, 0);
        result.addColumn("OPTIONS", Types.VARCHAR, 100_000, 0);
        result.addColumn("SCORE", Types.DOUBLE, 17, 0);
        result.addColumn("SECONDS", Types.DOUBLE, 17, 0);
        result.addColumn("BEST", Types.BOOLEAN, 1, 0);
        result.addColumn("FOLD_SCORES", Types.VARCHAR, 100_000, 0);
        if (isColumnListCall(connection)) return result; // H2 only wants the columns: do no work
        String fn = "ML_TRIALS";
        CancelCheck cancel = new CancelCheck(connection); // first: sqlnn's own queries replace the calling command
        var trials = SqlErrors.call(fn, () -> new ModelRegistry(connection).trials(model, version));
        cancel.check(fn); // the trials are read at once; a statement cancelled meanwhile returns no rows
        for (TrialRow t : trials.getValue()) {
            result.addRow(trials.getKey(), t.trial(), t.optionsJson(), Double.isNaN(t.score()) ? null : t.score(),
                    t.seconds(), t.best(), t.foldScoresJson());
        }
        return result;
    }

    /** {@code ML_DEPLOY(model)}: deploys the best version by its stored validation score. */
    public static long deploy(Connection connection, String model) throws SQLException {
        return deployVersion(connection, model, null);
    }

    /** {@code ML_DEPLOY(model, version)}: deploys that version. */
    public static long deploy(Connection connection, String model, long version) throws SQLException {
        return deployVersion(connection, model, version);
    }

    private static long deployVersion(Connection connection, String model, Long version) throws SQLException {
        return SqlErrors.call("ML_DEPLOY", () -> new ModelRegistry(connection).deploy(model, version));
    }

    /** {@code ML_DROP(model)}: deletes every version; returns how many. */
    public static int drop(Connection connection, String model) throws SQLException {
        return dropVersion(connection, model, null);
    }

    /** {@code ML_DROP(model, version)}: deletes one version; returns 1. */
    public static int drop(Connection connection, String model, long version) throws SQLException {
        return dropVersion(connection, model, version);
    }

    private static int dropVersion(Connection connection, String model, Long version) throws SQLException {
        return SqlErrors.call("ML_DROP", () -> new ModelRegistry(connection).drop(model, version));
    }

    /** {@code ML_INFO()}: sqlnn's version, the active kernels and the threads training uses by default. */
    public static String info() {
        return About.describe();
    }

    private static Model deployed(Connection connection, String model) throws SQLException {
        return new ModelRegistry(connection).deployed(ModelRegistry.checkName(model));
    }

    private static int predictInteger(Model model, Value features) {
        return model.predictInteger(FeatureReader.row(features, model));
    }

    static boolean isColumnListCall(Connection connection) throws SQLException {
        return COLUMN_LIST_URL.equals(connection.getMetaData().getURL());
    }
}

package dev.sqlnn.pg;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlnn.call.Arguments;
import dev.sqlnn.call.OnnxImports;
import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.model.About;
import dev.sqlnn.model.FeatureRow;
import dev.sqlnn.model.GlobalExplanation;
import dev.sqlnn.model.HyperparameterSearch;
import dev.sqlnn.model.IntegratedGradients;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelEvaluation;
import dev.sqlnn.model.ModelTrainer;
import dev.sqlnn.model.ParameterRows;
import dev.sqlnn.model.QueryExplainer;
import dev.sqlnn.model.QueryScorer;
import dev.sqlnn.model.StartingModel;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.model.onnx.OnnxExporter;
import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.options.TrainingRequest;
import dev.sqlnn.store.LogRow;
import dev.sqlnn.store.ModelRegistry;
import dev.sqlnn.store.TrainingRun;
import dev.sqlnn.store.TrialRow;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * sqlnn's functions inside PostgreSQL, run by PL/Java in the calling backend's JVM: the methods that
 * {@code functions.sql} declares in schema {@code sqlnn}. Each works on the caller's own session
 * ({@code jdbc:default:connection}): queries run with the caller's rights, and writes join the
 * caller's transaction. Errors carry the SQLStates and messages of the H2 functions of the same
 * name. A set-returning function hands PL/Java one JSON object per row, which its SQL wrapper turns
 * into typed columns: that keeps sqlnn free of a compile-time dependency on PL/Java's API.
 */
public final class PgFunctions {

    private PgFunctions() {
    }

    private static Connection session() throws SQLException {
        return DriverManager.getConnection("jdbc:default:connection");
    }

    // ---------------------------------------------------------------- training

    /** {@code ml_train(model, query, options)}: trains and saves a new version in the caller's transaction. */
    public static long train(String model, String query, String options) throws SQLException {
        TrainingRequest request = Arguments.training(model, query, options);
        TrainingOptions parsed = request.options();
        Connection connection = session();
        return SqlErrors.call("ML_TRAIN", () -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query)); // its own errors as they are
                 TrainingRun run = new ModelRegistry(connection).startTraining(model, null)) {
                if (request.search() != null) {
                    // The backend's connection is for its own thread: the trials run one at a time on it.
                    BackendProgress progress = new BackendProgress(connection, parsed.epochs() == null ? 0 : parsed.epochs());
                    return run.save(HyperparameterSearch.run(rows, request.search(), progress, progress.andThen(run), false));
                }
                StartingModel start = new ModelRegistry(connection).startingModel(model, parsed.warmStart());
                TrainedModel trained = ModelTrainer.train(rows, parsed,
                        new BackendProgress(connection, parsed.epochs() == null ? 0 : parsed.epochs()).andThen(run), start);
                return run.save(trained);
            }
        });
    }

    /** {@code ml_import_onnx(model, blob)}: an ONNX MLP stored as a new version, in the caller's transaction. */
    public static long importOnnx(String model, byte[] onnx) throws SQLException {
        return OnnxImports.importOnnx(session(), model, onnx);
    }

    // ---------------------------------------------------------------- one row

    /** {@code predict(features bytea)}: the class of the model deployed last. */
    public static Integer predict(byte[] features) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT", () -> BackendModels.defaultModel(session()).predictInteger(FeatureRow.ofBytes(features)));
    }

    /** {@code predict(model, features bytea)}. */
    public static Integer predict(String model, byte[] features) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT", () -> deployed(model).predictInteger(FeatureRow.ofBytes(features)));
    }

    /**
     * {@code predict(model, features real[], double precision[] or numeric[])}, the array as double
     * precision; {@code nullAt} is its first NULL (1-based), or NULL.
     */
    public static Integer predict(String model, double[] features, Integer nullAt) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT", () -> deployed(model).predictInteger(FeatureRow.ofNumbers(features, zeroIfNull(nullAt))));
    }

    public static String predictLabel(String model, byte[] features) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_LABEL", () -> deployed(model).predictLabel(FeatureRow.ofBytes(features)));
    }

    public static String predictLabel(String model, double[] features, Integer nullAt) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_LABEL", () -> deployed(model).predictLabel(FeatureRow.ofNumbers(features, zeroIfNull(nullAt))));
    }

    public static Double predictValue(String model, byte[] features) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_VALUE", () -> deployed(model).predictValue(FeatureRow.ofBytes(features)));
    }

    public static Double predictValue(String model, double[] features, Integer nullAt) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_VALUE", () -> deployed(model).predictValue(FeatureRow.ofNumbers(features, zeroIfNull(nullAt))));
    }

    public static float[] predictProba(String model, byte[] features) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_PROBA", () -> deployed(model).predictProbabilities(FeatureRow.ofBytes(features)));
    }

    public static float[] predictProba(String model, double[] features, Integer nullAt) throws SQLException {
        if (features == null) return null;
        return SqlErrors.call("PREDICT_PROBA", () -> deployed(model).predictProbabilities(FeatureRow.ofNumbers(features, zeroIfNull(nullAt))));
    }

    private static Model deployed(String model) throws SQLException {
        return BackendModels.deployed(session(), model);
    }

    private static int zeroIfNull(Integer nullAt) {
        return nullAt == null ? 0 : nullAt;
    }

    // ---------------------------------------------------------------- whole queries

    /** {@code ml_evaluate(model, query)}: metric, class, score; see {@link ModelEvaluation#metrics()}. */
    public static Iterator<String> evaluate(String model, String query) throws SQLException {
        ModelEvaluation evaluation = evaluation("ML_EVALUATE", model, query);
        JsonRows rows = new JsonRows();
        for (ModelEvaluation.Metric m : evaluation.metrics()) {
            rows.add("metric", m.name(), "class", m.className(), "score", Double.isNaN(m.score()) ? null : m.score());
        }
        return rows.iterator();
    }

    /** {@code ml_confusion_matrix(model, query)}: actual, predicted, count. */
    public static Iterator<String> confusionMatrix(String model, String query) throws SQLException {
        String fn = "ML_CONFUSION_MATRIX";
        ModelEvaluation evaluation = evaluation(fn, model, query);
        JsonRows rows = new JsonRows();
        for (ModelEvaluation.Cell cell : SqlErrors.call(fn, evaluation::confusionMatrix)) {
            rows.add("actual", cell.actual(), "predicted", cell.predicted(), "count", cell.count());
        }
        return rows.iterator();
    }

    /** {@code ml_roc_curve(model, query, class)}: threshold, tpr, fpr. */
    public static Iterator<String> rocCurve(String model, String query, String className) throws SQLException {
        String fn = "ML_ROC_CURVE";
        ModelEvaluation evaluation = evaluation(fn, model, query);
        JsonRows rows = new JsonRows();
        for (var p : SqlErrors.call(fn, () -> evaluation.rocCurve(className))) {
            rows.add("threshold", p.threshold(), "tpr", p.truePositiveRate(), "fpr", p.falsePositiveRate());
        }
        return rows.iterator();
    }

    private static ModelEvaluation evaluation(String fn, String model, String query) throws SQLException {
        Arguments.query(fn, query, "SELECT image, label FROM digits_test");
        Connection connection = session();
        Model m = SqlErrors.call(fn, () -> BackendModels.deployed(connection, model));
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
            return SqlErrors.call(fn, () -> ModelEvaluation.evaluate(m, rows, null));
        }
    }

    /**
     * {@code ml_predict(model, query)}: for each row of the query, its first column as text (the key to
     * join back on), the prediction as text (the class's label, or a regression's value) and the
     * probability of the predicted class (NULL for a regression); NULLs for a row without features.
     */
    public static Iterator<String> predictRows(String model, String query) throws SQLException {
        String fn = "ML_PREDICT";
        Arguments.query(fn, query, "SELECT id, image FROM digits");
        Connection connection = session();
        Model m = SqlErrors.call(fn, () -> BackendModels.deployed(connection, model));
        JsonRows out = new JsonRows();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
            QueryScorer scorer = SqlErrors.call(fn, () -> new QueryScorer(m, rows, rs -> new Object[] {rs.getString(1)}, null));
            for (int n; (n = SqlErrors.call(fn, scorer::nextBatch)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    Object key = scorer.values(i)[0];
                    if (!scorer.scored(i)) {
                        out.add("key", key, "prediction", null, "probability", null);
                    } else if (m.isClassifier()) {
                        out.add("key", key, "prediction", m.classes().get(scorer.predictedClass(i)),
                                "probability", (double) scorer.probability(i));
                    } else {
                        out.add("key", key, "prediction", Double.toString(scorer.predictedValue(i)), "probability", null);
                    }
                }
            }
        }
        return out.iterator();
    }

    /**
     * {@code ml_explain_predict(model, query, top_k)}: for each row of the query, one row per feature
     * among its {@code top_k} largest absolute attributions (see {@link IntegratedGradients}): its first
     * column as text (the key, as {@code ml_predict} gives it), the prediction as text, the probability of
     * the predicted class (NULL for a regression), the explained output at the baseline, the rank from
     * 1, the feature's name and its attribution; one row of NULLs after the key for a row without features.
     */
    public static Iterator<String> explainRows(String model, String query, Integer topK) throws SQLException {
        String fn = "ML_EXPLAIN_PREDICT";
        SqlErrors.call(fn, () -> ModelRegistry.checkName(model));
        Arguments.query(fn, query, "SELECT id, image FROM digits");
        int k = Arguments.topK(fn, topK);
        Connection connection = session();
        Model m = SqlErrors.call(fn, () -> BackendModels.deployed(connection, model));
        BackendProgress progress = new BackendProgress(connection, 0);
        JsonRows out = new JsonRows();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
            QueryExplainer explainer = SqlErrors.call(fn,
                    () -> new QueryExplainer(m, rows, rs -> new Object[] {rs.getString(1)}, progress::ping));
            List<String> names = explainer.inputNames();
            for (int n; (n = SqlErrors.call(fn, explainer::nextBatch)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    Object key = explainer.values(i)[0];
                    IntegratedGradients.Explanation e = explainer.explanation(i);
                    if (e == null) {
                        out.add("key", key);
                        continue;
                    }
                    String prediction = m.isClassifier() ? m.classes().get(explainer.predictedClass(i))
                            : Double.toString(explainer.predictedValue(i));
                    Double probability = m.isClassifier() ? (double) explainer.probability(i) : null;
                    int[] top = e.top(k);
                    for (int rank = 0; rank < top.length; rank++) {
                        out.add("key", key, "prediction", prediction, "probability", probability, "baseline", e.baseline(),
                                "rank", rank + 1, "feature", names.get(top[rank]), "attribution", e.attributions()[top[rank]]);
                    }
                }
            }
        }
        return out.iterator();
    }

    /** {@code ml_global_explain(model, query)}: rank, feature, mean_abs_attribution, mean_attribution. */
    public static Iterator<String> globalExplain(String model, String query) throws SQLException {
        String fn = "ML_GLOBAL_EXPLAIN";
        SqlErrors.call(fn, () -> ModelRegistry.checkName(model));
        Arguments.query(fn, query, "SELECT image FROM digits");
        Connection connection = session();
        Model m = SqlErrors.call(fn, () -> BackendModels.deployed(connection, model));
        BackendProgress progress = new BackendProgress(connection, 0);
        JsonRows out = new JsonRows();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
            for (GlobalExplanation.Feature f : SqlErrors.call(fn, () -> GlobalExplanation.of(m, rows, progress::ping))) {
                out.add("rank", f.rank(), "feature", f.name(), "mean_abs_attribution", f.meanAbsoluteAttribution(),
                        "mean_attribution", f.meanAttribution());
            }
        }
        return out.iterator();
    }

    // ---------------------------------------------------------------- the store

    /** {@code ml_training_info(model, version)}: the per-epoch log; a NULL version means every version. */
    public static Iterator<String> trainingInfo(String model, Long version) throws SQLException {
        Connection connection = session();
        List<LogRow> log = SqlErrors.call("ML_TRAINING_INFO", () -> new ModelRegistry(connection).trainingLog(model, version));
        JsonRows rows = new JsonRows();
        for (LogRow row : log) {
            var e = row.entry();
            rows.add("version", row.version(), "epoch", e.epoch(), "train_loss", e.trainLoss(),
                    "validation_loss", e.validationLoss(), "validation_metric", e.validationMetric(),
                    "learning_rate", e.learningRate(), "seconds", e.seconds(), "rows_per_second", e.rowsPerSecond());
        }
        return rows.iterator();
    }

    /** {@code ml_trials(model, version)}: the trials of a hyperparameter search (version NULL: the newest search's). */
    public static Iterator<String> trials(String model, Long version) throws SQLException {
        Connection connection = session();
        var trials = SqlErrors.call("ML_TRIALS", () -> new ModelRegistry(connection).trials(model, version));
        JsonRows rows = new JsonRows();
        for (TrialRow t : trials.getValue()) {
            rows.add("version", trials.getKey(), "trial", t.trial(), "options", t.optionsJson(),
                    "score", Double.isNaN(t.score()) ? null : t.score(), "seconds", t.seconds(), "best", t.best(),
                    "fold_scores", t.foldScoresJson());
        }
        return rows.iterator();
    }

    /** {@code ml_weights(model, version)}: layer, output_unit, input_unit (NULL for a bias), weight. */
    public static Iterator<String> weights(String model, Long version) throws SQLException {
        Connection connection = session();
        Model m = SqlErrors.call("ML_WEIGHTS", () -> {
            ModelRegistry registry = new ModelRegistry(connection);
            String name = ModelRegistry.checkName(model);
            return version == null ? BackendModels.deployed(connection, name) : registry.versionNow(name, version);
        });
        ParameterRows rows = new ParameterRows(m);
        return new Iterator<>() { // streamed, one JSON object a parameter
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public String next() {
                ParameterRows.Row r = rows.next();
                return "{\"layer\":" + r.layer() + ",\"output_unit\":" + r.outputUnit() + ",\"input_unit\":"
                        + r.inputUnit() + ",\"weight\":" + r.weight() + "}";
            }
        };
    }

    /** {@code ml_export(model, version)}: that version (NULL: the deployed one) as an ONNX file, like H2's ML_EXPORT. */
    public static byte[] export(String model, Long version) throws SQLException {
        Connection connection = session();
        return SqlErrors.call("ML_EXPORT", () -> {
            ModelRegistry registry = new ModelRegistry(connection);
            String name = ModelRegistry.checkName(model);
            Model m = version == null ? BackendModels.deployed(connection, name) : registry.versionNow(name, version);
            return OnnxExporter.exportBytes(m);
        });
    }

    /** {@code ml_deploy(model, version)}: a NULL version deploys the best by its stored score. */
    public static long deploy(String model, Long version) throws SQLException {
        Connection connection = session();
        return SqlErrors.call("ML_DEPLOY", () -> new ModelRegistry(connection).deploy(model, version));
    }

    /** {@code ml_drop(model, version)}: a NULL version drops every version. */
    public static int drop(String model, Long version) throws SQLException {
        Connection connection = session();
        return SqlErrors.call("ML_DROP", () -> new ModelRegistry(connection).drop(model, version));
    }

    /** {@code ml_info()}: sqlnn's version, the kernels and threads of this backend's JVM. */
    public static String info() {
        return About.describe();
    }

    /** One JSON object per row, for a set-returning function's SQL wrapper to type. */
    private static final class JsonRows {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final List<String> rows = new ArrayList<>();

        void add(Object... keysAndValues) {
            var node = JSON.createObjectNode();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                node.set((String) keysAndValues[i], JSON.valueToTree(keysAndValues[i + 1]));
            }
            rows.add(node.toString());
        }

        Iterator<String> iterator() {
            return rows.iterator();
        }
    }
}

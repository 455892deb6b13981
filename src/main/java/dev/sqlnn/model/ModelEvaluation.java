package dev.sqlnn.model;

import dev.sqlnn.data.DataException;
import dev.sqlnn.data.Task;
import dev.sqlnn.eval.ClassificationMetrics;
import dev.sqlnn.eval.RegressionMetrics;
import dev.sqlnn.eval.RocPoint;
import dev.sqlnn.nn.Engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model measured on the rows of a query whose columns are the features and then the true label,
 * like a training query: what {@code ML_EVALUATE}, {@code ML_CONFUSION_MATRIX} and
 * {@code ML_ROC_CURVE} report. Rows are scored in batches with matrix-matrix products; the
 * metrics follow the conventions of {@link ClassificationMetrics} and {@link RegressionMetrics}.
 */
public final class ModelEvaluation {

    /** The most rows × classes held at once: the outputs are kept for the ROC curves. */
    private static final long MAX_OUTPUTS = Integer.MAX_VALUE - 8;

    /** One figure: {@code className} is null for the figures about all classes. */
    public record Metric(String name, String className, double score) {
    }

    /** How many rows of class {@code actual} were predicted as {@code predicted}. */
    public record Cell(String actual, String predicted, long count) {
    }

    private final Model model;
    private final ClassificationMetrics classification;
    private final RegressionMetrics regression;

    private ModelEvaluation(Model model, ClassificationMetrics classification, RegressionMetrics regression) {
        this.model = model;
        this.classification = classification;
        this.regression = regression;
    }

    /**
     * Reads every remaining row of {@code rows}, scores it and measures the model. The caller runs
     * the query and closes it.
     *
     * @param betweenBatches called after each batch, e.g. to stop when the statement is cancelled (it may throw)
     * @throws DataException for features the model cannot take, a NULL, labels the model never saw, or no rows
     */
    public static ModelEvaluation evaluate(Model model, ResultSet rows, Runnable betweenBatches)
            throws SQLException {
        FeatureColumns features = FeatureColumns.forEvaluation(model, rows.getMetaData());
        LabelColumn label = LabelColumn.of(model, rows.getMetaData(), rows.getMetaData().getColumnCount());
        boolean classifier = model.task() == Task.CLASSIFICATION;
        BatchScorer scorer = model.batchScorer(BatchScorer.BATCH, Engine.threads());
        int inputWidth = model.inputWidth();
        int outputWidth = model.outputWidth();
        float[] outputs = new float[BatchScorer.BATCH * outputWidth];
        int[] classes = new int[classifier ? BatchScorer.BATCH : 0];
        double[] targets = new double[classifier ? 0 : BatchScorer.BATCH];
        int n = 0;
        int pending = 0; // rows in the scorer's inputs, not yet scored
        while (rows.next()) {
            long row = n + 1L;
            if (row * outputWidth > MAX_OUTPUTS) {
                throw new DataException("the query has more than " + n + " rows; evaluate at most "
                        + MAX_OUTPUTS / outputWidth + " rows at once, e.g. a sample of them");
            }
            if (!features.read(rows, row, scorer.inputs(), pending * inputWidth)) {
                throw new DataException("row " + row + " has a NULL in feature column " + String.join(", ", features.labels())
                        + "; every row needs its features: leave such rows out with a WHERE clause");
            }
            if (n == (classifier ? classes.length : targets.length)) {
                classes = classifier ? Arrays.copyOf(classes, grow(n)) : classes;
                targets = classifier ? targets : Arrays.copyOf(targets, grow(n));
                outputs = Arrays.copyOf(outputs, (int) Math.min(MAX_OUTPUTS, (long) grow(n) * outputWidth));
            }
            if (classifier) classes[n] = label.classIndex(rows, row);
            else targets[n] = label.target(rows, row);
            n++;
            if (++pending == scorer.capacity()) {
                System.arraycopy(scorer.score(pending), 0, outputs, (n - pending) * outputWidth, pending * outputWidth);
                pending = 0;
                if (betweenBatches != null) betweenBatches.run();
            }
        }
        System.arraycopy(scorer.score(pending), 0, outputs, (n - pending) * outputWidth, pending * outputWidth);
        if (n == 0) {
            throw new DataException("the query returned no rows; check its FROM and WHERE clauses");
        }
        if (!classifier) return new ModelEvaluation(model, null, regression(model, outputs, targets, n));
        label.checkAllKnown();
        int[] actual = Arrays.copyOf(classes, n);
        int[] predicted = new int[n];
        for (int r = 0; r < n; r++) predicted[r] = model.predictedClass(outputs, r * outputWidth);
        float[] probabilities = Arrays.copyOf(outputs, n * outputWidth);
        return new ModelEvaluation(model, new ClassificationMetrics(actual, predicted, probabilities, outputWidth), null);
    }

    private static int grow(int size) {
        return (int) Math.min(Integer.MAX_VALUE - 8, size + (long) Math.max(size / 2, BatchScorer.BATCH));
    }

    private static RegressionMetrics regression(Model model, float[] outputs, double[] targets, int n) {
        double[] predicted = new double[n];
        for (int r = 0; r < n; r++) predicted[r] = model.value(outputs[r]);
        return new RegressionMetrics(Arrays.copyOf(targets, n), predicted);
    }

    public Model model() {
        return model;
    }

    public long rowCount() {
        return classification != null ? classification.rowCount() : regression.rowCount();
    }

    /** The classifier's metrics; null for a regression model. */
    public ClassificationMetrics classification() {
        return classification;
    }

    /** The regression's metrics; null for a classifier. */
    public RegressionMetrics regression() {
        return regression;
    }

    /**
     * The rows of {@code ML_EVALUATE}. A classifier: {@code accuracy}, {@code precision_macro},
     * {@code recall_macro}, {@code f1_macro}, {@code log_loss}, {@code roc_auc} for all classes, then
     * {@code precision}, {@code recall}, {@code f1}, {@code support} of each class in the model's
     * order. A regression: {@code mse}, {@code mae}, {@code r2}, in the label's units. A score that
     * is undefined on these rows (ROC AUC when one class is all there is) is NaN.
     */
    public List<Metric> metrics() {
        List<Metric> metrics = new ArrayList<>();
        if (regression != null) {
            metrics.add(new Metric("mse", null, regression.mse()));
            metrics.add(new Metric("mae", null, regression.mae()));
            metrics.add(new Metric("r2", null, regression.r2()));
            return metrics;
        }
        ClassificationMetrics m = classification;
        metrics.add(new Metric("accuracy", null, m.accuracy()));
        metrics.add(new Metric("precision_macro", null, m.macroPrecision()));
        metrics.add(new Metric("recall_macro", null, m.macroRecall()));
        metrics.add(new Metric("f1_macro", null, m.macroF1()));
        metrics.add(new Metric("log_loss", null, m.logLoss()));
        metrics.add(new Metric("roc_auc", null, m.rocAuc()));
        List<String> classes = model.classes();
        for (int c = 0; c < classes.size(); c++) {
            metrics.add(new Metric("precision", classes.get(c), m.precision(c)));
            metrics.add(new Metric("recall", classes.get(c), m.recall(c)));
            metrics.add(new Metric("f1", classes.get(c), m.f1(c)));
            metrics.add(new Metric("support", classes.get(c), m.support(c)));
        }
        return metrics;
    }

    /**
     * The confusion matrix as the pairs of classes that occur, actual class by actual class in the
     * model's order, then predicted class likewise; a pair that is not listed has count 0.
     */
    public List<Cell> confusionMatrix() {
        long[][] counts = requireClassifier("a confusion matrix").confusionMatrix();
        List<String> classes = model.classes();
        List<Cell> cells = new ArrayList<>();
        for (int a = 0; a < counts.length; a++) {
            for (int p = 0; p < counts.length; p++) {
                if (counts[a][p] > 0) cells.add(new Cell(classes.get(a), classes.get(p), counts[a][p]));
            }
        }
        return cells;
    }

    /**
     * The ROC curve of one class against the rest, from (0, 0) at threshold +Infinity to (1, 1).
     *
     * @throws IllegalArgumentException when the model has no such class, or the rows hold only that
     *                                  class or none of it (the curve is then undefined)
     */
    public List<RocPoint> rocCurve(String className) {
        ClassificationMetrics m = requireClassifier("a ROC curve");
        List<String> classes = model.classes();
        int c = className == null ? -1 : classes.indexOf(className);
        if (c < 0) {
            throw new IllegalArgumentException("model " + model.describe() + " has no class "
                    + (className == null ? "NULL" : "'" + className + "'") + "; its classes are "
                    + String.join(", ", classes.subList(0, Math.min(20, classes.size())))
                    + (classes.size() > 20 ? ", …" : ""));
        }
        long positives = m.support(c);
        if (positives == 0 || positives == m.rowCount()) {
            throw new IllegalArgumentException("the ROC curve of class '" + className + "' needs rows of that class"
                    + " and rows of others; " + (positives == 0 ? "none" : "all") + " of the query's " + m.rowCount()
                    + " rows are of class '" + className + "'");
        }
        return m.rocCurve(c);
    }

    private ClassificationMetrics requireClassifier(String what) {
        if (classification == null) {
            throw new IllegalArgumentException("model " + model.describe() + " is a regression model; " + what
                    + " needs a classifier (ML_EVALUATE reports mse, mae and r2)");
        }
        return classification;
    }
}

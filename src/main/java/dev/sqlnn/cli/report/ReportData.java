package dev.sqlnn.cli.report;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, read from the database by {@link ReportQueries}; {@link ReportPage}
 * draws it. Sections with nothing to show (a regression model's confusion matrix, images of a model
 * whose features are not images) are empty lists.
 *
 * @param model      the model's name
 * @param version    the version the report is about
 * @param versions   every version of the model, oldest first
 * @param query      the rows the model is evaluated on
 * @param epochs     the version's training log
 * @param scores     {@code ML_EVALUATE} on the query
 * @param classes    class labels, in the model's order, plus any the query has that the model does not
 * @param confusion  counts[actual][predicted] in the order of {@code classes}; empty for regression
 * @param roc        one curve per class; empty for regression
 * @param samples    the first rows of the query with their predictions, when the features are square images
 * @param notes      remarks to show above the figures, e.g. which version the evaluation used
 * @param generated  when the report was made
 */
public record ReportData(String model, Version version, List<Version> versions, String query, List<Epoch> epochs,
                         List<Score> scores, List<String> classes, long[][] confusion, List<Roc> roc,
                         List<Sample> samples, List<String> notes, OffsetDateTime generated) {

    /** One row of {@code SQLNN.MODELS}; {@code metrics} holds its METRICS JSON's numbers. */
    public record Version(long version, boolean deployed, String task, String layers, int inputWidth, long trainRows,
                          double trainSeconds, OffsetDateTime created, String evaluatedOn, Map<String, Double> metrics) {
        boolean isClassifier() {
            return "classification".equalsIgnoreCase(task);
        }
    }

    /** One epoch of {@code ML_TRAINING_INFO}; validation figures are NaN without a validation split. */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double validationMetric, double seconds,
                        double rowsPerSecond) {
    }

    /** One row of {@code ML_EVALUATE}; {@code className} is null for an overall figure. */
    public record Score(String metric, String className, double score) {
    }

    /** {@code ML_ROC_CURVE} of one class against the rest: points as false and true positive rates. */
    public record Roc(String className, double[] falsePositiveRate, double[] truePositiveRate) {

        /** The area under the curve, by the trapezoid rule over the points sorted by false positive rate. */
        public double area() {
            int n = falsePositiveRate.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> falsePositiveRate[a] != falsePositiveRate[b]
                    ? Double.compare(falsePositiveRate[a], falsePositiveRate[b])
                    : Double.compare(truePositiveRate[a], truePositiveRate[b]));
            double area = 0;
            for (int k = 1; k < n; k++) {
                int i = order[k - 1];
                int j = order[k];
                area += (falsePositiveRate[j] - falsePositiveRate[i]) * (truePositiveRate[j] + truePositiveRate[i]) / 2;
            }
            return area;
        }
    }

    /**
     * A row of the query shown as an image: {@code side × side} unsigned-byte pixels, row-major.
     *
     * @param probability  the model's probability of its prediction; NaN when unknown
     * @param attributions per pixel, in the same order, its integrated-gradients attribution to the
     *                     probability of the predicted class ({@code ML_EXPLAIN_PREDICT}); null when unknown
     */
    public record Sample(byte[] pixels, int side, String actual, String predicted, double probability,
                         double[] attributions) {

        public Sample(byte[] pixels, int side, String actual, String predicted, double probability) {
            this(pixels, side, actual, predicted, probability, null);
        }

        Sample withAttributions(double[] map) {
            return new Sample(pixels, side, actual, predicted, probability, map);
        }

        boolean isMistake() {
            return actual != null && !actual.equals(predicted);
        }
    }
}

package dev.sqlnn.eval;

import java.util.List;

/**
 * How well a classifier's predictions match the actual classes of a set of rows. Classes are
 * indices {@code 0 .. classCount-1}; probabilities are one row of {@code classCount} per input row.
 * Everything but the ROC curves is computed in the constructor; the inputs are copied, so the
 * object is immutable.
 *
 * <p>Conventions, those of scikit-learn:
 * <ul>
 *   <li>Per-class precision is 0 for a class never predicted, recall 0 for a class that never
 *       occurs, and F1 0 when both are 0 ({@code zero_division=0}).</li>
 *   <li>Macro averages run over all {@code classCount} classes, as {@code average='macro'} with
 *       {@code labels=range(classCount)}: a class of the model absent from these rows counts, with
 *       zeros. That is deliberate: the classes are the model's, not whatever the rows happen to hold.</li>
 *   <li>Log loss is the mean of -ln p(actual class), p clipped to [1e-15, 1 - 1e-15]; rows are not
 *       renormalised.</li>
 *   <li>ROC AUC of a class is one-vs-rest on that class's probability column. With two classes
 *       {@link #rocAuc()} is the AUC of class 1; with more, the unweighted mean over the classes
 *       that occur and are not the only class occurring (others have no AUC; scikit-learn would
 *       refuse the whole computation instead).</li>
 * </ul>
 */
public final class ClassificationMetrics {

    private static final double MIN_PROBABILITY = 1e-15;

    private final int classCount;
    private final int[] actual;
    private final float[] probabilities;
    /** {@code confusion[actual][predicted]}: how many rows. */
    private final long[][] confusion;
    private final double logLoss;
    private final double[] aucByClass;

    /** @param probabilities one array of {@code classCount} probabilities per row */
    public ClassificationMetrics(int[] actual, int[] predicted, float[][] probabilities, int classCount) {
        this(actual, predicted, flatten(probabilities, classCount), classCount);
    }

    /** @param probabilities row-major, {@code actual.length × classCount} */
    public ClassificationMetrics(int[] actual, int[] predicted, float[] probabilities, int classCount) {
        checkInputs(actual, predicted, probabilities, classCount);
        this.classCount = classCount;
        this.actual = actual.clone();
        this.probabilities = probabilities.clone();
        this.confusion = new long[classCount][classCount];
        double lossSum = 0;
        for (int row = 0; row < actual.length; row++) {
            confusion[actual[row]][predicted[row]]++;
            double p = probabilities[row * classCount + actual[row]];
            lossSum -= Math.log(Math.min(Math.max(p, MIN_PROBABILITY), 1 - MIN_PROBABILITY));
        }
        this.logLoss = lossSum / actual.length;
        this.aucByClass = new double[classCount];
        for (int c = 0; c < classCount; c++) {
            aucByClass[c] = RankedScores.of(this.probabilities, classCount, this.actual, c).auc();
        }
    }

    private static float[] flatten(float[][] probabilities, int classCount) {
        long size = (long) probabilities.length * Math.max(classCount, 0);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many probabilities to evaluate at once: " + size);
        }
        float[] flat = new float[(int) size];
        for (int row = 0; row < probabilities.length; row++) {
            if (probabilities[row].length != classCount) {
                throw new IllegalArgumentException("row " + row + " has " + probabilities[row].length
                        + " probabilities; expected " + classCount + " (one per class)");
            }
            System.arraycopy(probabilities[row], 0, flat, row * classCount, classCount);
        }
        return flat;
    }

    private static void checkInputs(int[] actual, int[] predicted, float[] probabilities, int classCount) {
        if (classCount < 1) throw new IllegalArgumentException("class count must be positive; got " + classCount);
        if (actual.length == 0) throw new IllegalArgumentException("no rows to evaluate");
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(actual.length + " actual classes but " + predicted.length + " predictions");
        }
        if (probabilities.length != (long) actual.length * classCount) {
            throw new IllegalArgumentException(probabilities.length + " probabilities; expected " + actual.length
                    + " rows × " + classCount + " classes = " + (long) actual.length * classCount);
        }
        for (int row = 0; row < actual.length; row++) {
            checkClass("actual", row, actual[row], classCount);
            checkClass("predicted", row, predicted[row], classCount);
        }
        for (int i = 0; i < probabilities.length; i++) {
            // NaN has no place in a ranking; it means the model diverged, which should be seen.
            if (Float.isNaN(probabilities[i])) {
                throw new IllegalArgumentException("probability of class " + i % classCount + " in row "
                        + i / classCount + " is NaN");
            }
        }
    }

    private static void checkClass(String what, int row, int value, int classCount) {
        if (value < 0 || value >= classCount) {
            throw new IllegalArgumentException(what + " class in row " + row + " must be in [0, " + classCount
                    + "); got " + value);
        }
    }

    public int classCount() {
        return classCount;
    }

    public long rowCount() {
        return actual.length;
    }

    /** The share of rows predicted right. */
    public double accuracy() {
        long right = 0;
        for (int c = 0; c < classCount; c++) right += confusion[c][c];
        return (double) right / actual.length;
    }

    /** How many rows actually are of class {@code c}. */
    public long support(int c) {
        requireClass(c);
        long sum = 0;
        for (long count : confusion[c]) sum += count;
        return sum;
    }

    /** How many rows were predicted as class {@code c}. */
    public long predictedCount(int c) {
        requireClass(c);
        long sum = 0;
        for (long[] actualRow : confusion) sum += actualRow[c];
        return sum;
    }

    /** Of the rows predicted as {@code c}, the share that are {@code c}; 0 if none was predicted. */
    public double precision(int c) {
        long predictedAsC = predictedCount(c);
        return predictedAsC == 0 ? 0 : (double) confusion[c][c] / predictedAsC;
    }

    /** Of the rows of class {@code c}, the share predicted as {@code c}; 0 if there are none. */
    public double recall(int c) {
        long support = support(c);
        return support == 0 ? 0 : (double) confusion[c][c] / support;
    }

    /** The harmonic mean of precision and recall, as 2·TP / (2·TP + FP + FN); 0 when that is 0/0. */
    public double f1(int c) {
        long errors = predictedCount(c) + support(c) - 2 * confusion[c][c]; // FP + FN
        long truePositives = confusion[c][c];
        return truePositives == 0 ? 0 : 2.0 * truePositives / (2.0 * truePositives + errors);
    }

    public double macroPrecision() {
        double sum = 0;
        for (int c = 0; c < classCount; c++) sum += precision(c);
        return sum / classCount;
    }

    public double macroRecall() {
        double sum = 0;
        for (int c = 0; c < classCount; c++) sum += recall(c);
        return sum / classCount;
    }

    /** The mean of the per-class F1 scores (not the F1 of the macro precision and recall). */
    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < classCount; c++) sum += f1(c);
        return sum / classCount;
    }

    public double logLoss() {
        return logLoss;
    }

    /** One-vs-rest ROC AUC of class {@code c}; NaN if {@code c} never occurs or is the only class occurring. */
    public double rocAuc(int c) {
        return aucByClass[requireClass(c)];
    }

    /** AUC of class 1 for two classes; for more, the mean of {@link #rocAuc(int)} where it is defined (NaN if nowhere). */
    public double rocAuc() {
        if (classCount == 2) return aucByClass[1];
        double sum = 0;
        int defined = 0;
        for (double auc : aucByClass) {
            if (!Double.isNaN(auc)) {
                sum += auc;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    /** A copy of the counts, indexed {@code [actual][predicted]}. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[classCount][];
        for (int c = 0; c < classCount; c++) copy[c] = confusion[c].clone();
        return copy;
    }

    /** The ROC curve of class {@code c} against the rest; see {@link RocPoint}. Computed on each call. */
    public List<RocPoint> rocCurve(int c) {
        return RankedScores.of(probabilities, classCount, actual, requireClass(c)).curve();
    }

    private int requireClass(int c) {
        if (c < 0 || c >= classCount) {
            throw new IllegalArgumentException("class must be in [0, " + classCount + "); got " + c);
        }
        return c;
    }
}

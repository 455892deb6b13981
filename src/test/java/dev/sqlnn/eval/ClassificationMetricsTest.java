package dev.sqlnn.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ClassificationMetricsTest {

    private static final double EXACT = 1e-12;
    /** Probabilities are floats: 0.7f is not 0.7, so values computed from them agree to about 1e-7. */
    private static final double FLOAT = 1e-6;

    /**
     * Three classes; class 2 occurs once and is never predicted.
     * <pre>
     * row  actual  predicted  probabilities (class 0, 1, 2)
     *  0     0        0        .7  .2  .1
     *  1     0        0        .5  .3  .2
     *  2     0        1        .3  .6  .1
     *  3     1        1        .2  .5  .3
     *  4     1        0        .6  .3  .1
     *  5     2        1        .1  .5  .4
     * </pre>
     */
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 0, 1};
    private static final float[][] PROBABILITIES = {
            {.7f, .2f, .1f}, {.5f, .3f, .2f}, {.3f, .6f, .1f}, {.2f, .5f, .3f}, {.6f, .3f, .1f}, {.1f, .5f, .4f}};

    private final ClassificationMetrics metrics = new ClassificationMetrics(ACTUAL, PREDICTED, PROBABILITIES, 3);

    @Test
    void confusionMatrixCountsActualByPredicted() {
        // actual 0 → predicted 0, 0, 1; actual 1 → 1, 0; actual 2 → 1
        assertArrayEquals(new long[][] {{2, 1, 0}, {1, 1, 0}, {0, 1, 0}}, metrics.confusionMatrix());
        metrics.confusionMatrix()[0][0] = 99; // a copy: the metrics stay as they were
        assertEquals(2, metrics.confusionMatrix()[0][0]);
    }

    @Test
    void accuracyAndCounts() {
        assertEquals(3.0 / 6, metrics.accuracy(), EXACT); // the diagonal: 2 + 1 + 0 of 6
        assertEquals(6, metrics.rowCount());
        assertEquals(3, metrics.classCount());
        assertEquals(3, metrics.support(0)); // row sums
        assertEquals(2, metrics.support(1));
        assertEquals(1, metrics.support(2));
        assertEquals(3, metrics.predictedCount(0)); // column sums
        assertEquals(3, metrics.predictedCount(1));
        assertEquals(0, metrics.predictedCount(2));
    }

    @Test
    void perClassPrecisionRecallAndF1() {
        // precision = TP / predicted: 2/3, 1/3, and 0 for class 2, never predicted
        assertEquals(2.0 / 3, metrics.precision(0), EXACT);
        assertEquals(1.0 / 3, metrics.precision(1), EXACT);
        assertEquals(0.0, metrics.precision(2), EXACT);
        // recall = TP / support: 2/3, 1/2, 0/1
        assertEquals(2.0 / 3, metrics.recall(0), EXACT);
        assertEquals(1.0 / 2, metrics.recall(1), EXACT);
        assertEquals(0.0, metrics.recall(2), EXACT);
        // F1 = 2TP / (2TP + FP + FN): 4/(4+1+1) = 2/3; 2/(2+2+1) = 2/5; 0
        assertEquals(2.0 / 3, metrics.f1(0), EXACT);
        assertEquals(2.0 / 5, metrics.f1(1), EXACT);
        assertEquals(0.0, metrics.f1(2), EXACT);
    }

    @Test
    void macroAveragesRunOverEveryClass() {
        assertEquals((2.0 / 3 + 1.0 / 3 + 0) / 3, metrics.macroPrecision(), EXACT); // 1/3
        assertEquals((2.0 / 3 + 1.0 / 2 + 0) / 3, metrics.macroRecall(), EXACT);    // 7/18
        assertEquals((2.0 / 3 + 2.0 / 5 + 0) / 3, metrics.macroF1(), EXACT);        // 16/45
    }

    @Test
    void logLossIsMeanNegativeLogProbabilityOfTheActualClass() {
        // p(actual) per row: .7 .5 .3 .5 .3 .4
        // -(ln .7 + ln .5 + ln .3 + ln .5 + ln .3 + ln .4) / 6
        //   = (0.356675 + 0.693147 + 1.203973 + 0.693147 + 1.203973 + 0.916291) / 6 = 0.844534
        assertEquals(0.844534, metrics.logLoss(), FLOAT);
    }

    @Test
    void rocAucOneVsRestPerClassAndMacro() {
        // class 0: positives .7 .5 .3, negatives .2 .6 .1; of the 9 pairs the positive is higher in
        //   3 (.7) + 2 (.5 loses to .6) + 2 (.3 loses to .6) = 7 → 7/9
        assertEquals(7.0 / 9, metrics.rocAuc(0), EXACT);
        // class 1: positives .5 .3, negatives .2 .3 .6 .5; pairs won:
        //   .5: beats .2 .3, ties .5 (one half), loses to .6 → 2.5
        //   .3: beats .2, ties .3 (one half), loses to .6 .5 → 1.5   → 4/8
        assertEquals(0.5, metrics.rocAuc(1), EXACT);
        // class 2: positive .4 above all five negatives (.1 .2 .1 .3 .1) → 1
        assertEquals(1.0, metrics.rocAuc(2), EXACT);
        // macro: (7/9 + 1/2 + 1) / 3 = 41/54
        assertEquals(41.0 / 54, metrics.rocAuc(), EXACT);
    }

    @Test
    void flatProbabilitiesGiveTheSameMetrics() {
        float[] flat = new float[18];
        for (int row = 0; row < 6; row++) System.arraycopy(PROBABILITIES[row], 0, flat, row * 3, 3);
        ClassificationMetrics fromFlat = new ClassificationMetrics(ACTUAL, PREDICTED, flat, 3);
        assertEquals(metrics.logLoss(), fromFlat.logLoss(), 0);
        assertEquals(metrics.rocAuc(), fromFlat.rocAuc(), 0);
        assertEquals(metrics.rocCurve(1), fromFlat.rocCurve(1));
    }

    @Test
    void binaryAucWithTiesAmongOneClassOnly() {
        // scores (class 1) .1 .4 .35 .8, labels 0 0 1 1:
        //   .35 beats .1, loses to .4; .8 beats both → 3 of 4 pairs = 0.75
        ClassificationMetrics binary = binary(new float[] {.1f, .4f, .35f, .8f}, new int[] {0, 0, 1, 1});
        assertEquals(0.75, binary.rocAuc(), EXACT);
        assertEquals(0.75, binary.rocAuc(1), EXACT);
    }

    @Test
    void tiedScoresOfAPositiveAndANegativeCountOneHalf() {
        // scores .5 .5 .9 .1, labels 1 0 1 0. Mann–Whitney: ascending ranks with ties averaged are
        //   .1 → 1, .5 .5 → 2.5 2.5, .9 → 4; positives' rank sum 2.5 + 4 = 6.5;
        //   U = 6.5 - P(P+1)/2 = 6.5 - 3 = 3.5; AUC = U / (P·N) = 3.5 / 4 = 0.875
        // (pairs: .5 vs .5 tie = 1/2, .5 > .1, .9 > .5, .9 > .1 → 3.5 of 4)
        ClassificationMetrics tied = binary(new float[] {.5f, .5f, .9f, .1f}, new int[] {1, 0, 1, 0});
        assertEquals(0.875, tied.rocAuc(), EXACT);
        // every score equal: every pair a tie, so 1/2
        ClassificationMetrics flat = binary(new float[] {.3f, .3f, .3f, .3f, .3f}, new int[] {1, 0, 0, 1, 0});
        assertEquals(0.5, flat.rocAuc(), EXACT);
    }

    @Test
    void rocCurveHasOnePointPerDistinctScoreFromOriginToOneOne() {
        // class 1 scores .1 .4 .35 .8 with labels 0 0 1 1 (P = 2, N = 2), descending:
        //   threshold +inf: nothing positive          → (0, 0)
        //   .8  (positive): TP 1                      → (0, 1/2)
        //   .4  (negative): FP 1                      → (1/2, 1/2)
        //   .35 (positive): TP 2                      → (1/2, 1)
        //   .1  (negative): FP 2                      → (1, 1)
        List<RocPoint> curve = binary(new float[] {.1f, .4f, .35f, .8f}, new int[] {0, 0, 1, 1}).rocCurve(1);
        assertEquals(List.of(new RocPoint(Double.POSITIVE_INFINITY, 0, 0), new RocPoint(.8f, 0, .5),
                new RocPoint(.4f, .5, .5), new RocPoint(.35f, .5, 1), new RocPoint(.1f, 1, 1)), curve);
    }

    @Test
    void rocCurveMovesDiagonallyAcrossTiedScores() {
        // scores .5 .5 .9 .1, labels 1 0 1 0: three distinct scores, so four points;
        //   .9 → (0, 1/2); .5 takes a positive and a negative at once → (1/2, 1); .1 → (1, 1)
        List<RocPoint> curve = binary(new float[] {.5f, .5f, .9f, .1f}, new int[] {1, 0, 1, 0}).rocCurve(1);
        assertEquals(List.of(new RocPoint(Double.POSITIVE_INFINITY, 0, 0), new RocPoint(.9f, 0, .5),
                new RocPoint(.5f, .5, 1), new RocPoint(.1f, 1, 1)), curve);
    }

    @Test
    void perfectClassifier() {
        int[] classes = {0, 1, 2, 0, 1, 2};
        float[][] sure = new float[6][];
        for (int row = 0; row < 6; row++) {
            sure[row] = new float[] {.1f, .1f, .1f};
            sure[row][classes[row]] = .8f;
        }
        ClassificationMetrics perfect = new ClassificationMetrics(classes, classes, sure, 3);
        assertEquals(1.0, perfect.accuracy(), EXACT);
        assertEquals(1.0, perfect.macroPrecision(), EXACT);
        assertEquals(1.0, perfect.macroRecall(), EXACT);
        assertEquals(1.0, perfect.macroF1(), EXACT);
        assertEquals(1.0, perfect.rocAuc(), EXACT);
        assertEquals(-Math.log(.8), perfect.logLoss(), FLOAT); // every row gives its class .8
        assertArrayEquals(new long[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}, perfect.confusionMatrix());
        // the curve goes straight up, then across
        assertEquals(List.of(new RocPoint(Double.POSITIVE_INFINITY, 0, 0), new RocPoint(.8f, 0, 1),
                new RocPoint(.1f, 1, 1)), perfect.rocCurve(0));
    }

    @Test
    void classAbsentFromTheRowsCountsInMacroAveragesButNotInAuc() {
        // classCount 3, class 2 neither occurs nor is predicted.
        //   row actual predicted  probabilities
        //    0    0      0        .6  .3  .1
        //    1    1      1        .2  .7  .1
        //    2    0      1        .15 .75 .1
        //    3    1      1        .1  .8  .1
        int[] actual = {0, 1, 0, 1};
        int[] predicted = {0, 1, 1, 1};
        float[][] probabilities = {{.6f, .3f, .1f}, {.2f, .7f, .1f}, {.15f, .75f, .1f}, {.1f, .8f, .1f}};
        ClassificationMetrics m = new ClassificationMetrics(actual, predicted, probabilities, 3);
        // precision 1/1, 2/3, 0; recall 1/2, 2/2, 0; F1 2/(2+0+1) = 2/3, 4/(4+1+0) = 4/5, 0
        assertEquals((1 + 2.0 / 3 + 0) / 3, m.macroPrecision(), EXACT); // 5/9
        assertEquals((0.5 + 1 + 0) / 3, m.macroRecall(), EXACT);        // 1/2
        assertEquals((2.0 / 3 + 4.0 / 5 + 0) / 3, m.macroF1(), EXACT);  // 22/45
        assertEquals(0, m.support(2));
        // class 0: positives .6 .15, negatives .2 .1 → .6 beats both, .15 beats .1 → 3/4
        // class 1: positives .7 .8, negatives .3 .75 → .7 beats .3, .8 beats both → 3/4
        // class 2 has no positives: no AUC, left out of the mean → (3/4 + 3/4) / 2
        assertEquals(0.75, m.rocAuc(0), EXACT);
        assertEquals(0.75, m.rocAuc(1), EXACT);
        assertTrue(Double.isNaN(m.rocAuc(2)));
        assertEquals(0.75, m.rocAuc(), EXACT);
        // its curve: no positives, so every true positive rate is 0/0
        List<RocPoint> curve = m.rocCurve(2);
        assertEquals(2, curve.size());
        assertTrue(Double.isNaN(curve.get(1).truePositiveRate()));
        assertEquals(1.0, curve.get(1).falsePositiveRate(), EXACT);
    }

    @Test
    void aucIsUndefinedWithoutBothClasses() {
        ClassificationMetrics allPositive = binary(new float[] {.2f, .9f}, new int[] {1, 1});
        assertTrue(Double.isNaN(allPositive.rocAuc()));
    }

    @Test
    void logLossClipsCertainMistakes() {
        // the actual class got probability 0: clipped to 1e-15, so -ln(1e-15) = 15 ln 10 = 34.538776...;
        // the other row is certain and right: -ln(1 - 1e-15) ≈ 1e-15. Mean ≈ 17.269388
        ClassificationMetrics m = new ClassificationMetrics(new int[] {0, 1}, new int[] {1, 1},
                new float[][] {{0, 1}, {0, 1}}, 2);
        assertEquals(15 * Math.log(10) / 2, m.logLoss(), 1e-9);
    }

    @Test
    void aucMatchesCountingEveryPairOnManyTies() {
        // few distinct scores over many rows: nearly every pair is a tie or an order
        Random random = new Random(7);
        int n = 500;
        int[] labels = new int[n];
        float[] scores = new float[n];
        for (int row = 0; row < n; row++) {
            labels[row] = random.nextInt(2);
            scores[row] = random.nextInt(5) / 4f;
        }
        double wonPairs = 0;
        long pairs = 0;
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) {
                if (labels[p] == 1 && labels[q] == 0) {
                    pairs++;
                    wonPairs += scores[p] > scores[q] ? 1 : scores[p] == scores[q] ? 0.5 : 0;
                }
            }
        }
        assertEquals(wonPairs / pairs, binary(scores, labels).rocAuc(), EXACT);
    }

    @Test
    void badInputsAreRefusedWithTheValueFound() {
        float[][] two = {{.5f, .5f}};
        assertMessage("no rows to evaluate", () -> new ClassificationMetrics(new int[0], new int[0], new float[0], 2));
        assertMessage("2 actual classes but 1 predictions",
                () -> new ClassificationMetrics(new int[] {0, 1}, new int[] {0}, new float[4], 2));
        assertMessage("actual class in row 0 must be in [0, 2); got 2",
                () -> new ClassificationMetrics(new int[] {2}, new int[] {0}, two, 2));
        assertMessage("predicted class in row 0 must be in [0, 2); got -1",
                () -> new ClassificationMetrics(new int[] {0}, new int[] {-1}, two, 2));
        assertMessage("row 0 has 3 probabilities; expected 2 (one per class)",
                () -> new ClassificationMetrics(new int[] {0}, new int[] {0}, new float[][] {{.2f, .3f, .5f}}, 2));
        assertMessage("3 probabilities; expected 1 rows × 2 classes = 2",
                () -> new ClassificationMetrics(new int[] {0}, new int[] {0}, new float[3], 2));
        assertMessage("probability of class 1 in row 0 is NaN",
                () -> new ClassificationMetrics(new int[] {0}, new int[] {0}, new float[] {.5f, Float.NaN}, 2));
        assertMessage("class must be in [0, 3); got 3", () -> metrics.rocCurve(3));
    }

    /** Two classes, with class 1 scored {@code scores} and class 0 the rest; predicted by 0.5. */
    private static ClassificationMetrics binary(float[] scores, int[] labels) {
        float[][] probabilities = new float[scores.length][];
        int[] predicted = new int[scores.length];
        for (int row = 0; row < scores.length; row++) {
            probabilities[row] = new float[] {1 - scores[row], scores[row]};
            predicted[row] = scores[row] >= .5f ? 1 : 0;
        }
        return new ClassificationMetrics(labels, predicted, probabilities, 2);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}

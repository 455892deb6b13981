package dev.sqlnn.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One class's scores against the rest, sorted and grouped by distinct score: what both the ROC
 * curve and its area need. Sorting once per class costs O(n log n); it is done on primitive longs
 * so that a million rows need no boxing.
 */
final class RankedScores {

    /** Distinct scores, highest first. */
    private final float[] scores;
    /** How many positive and negative rows have {@code scores[g]}. */
    private final long[] positives;
    private final long[] negatives;
    private final long positiveTotal;
    private final long negativeTotal;

    private RankedScores(float[] scores, long[] positives, long[] negatives) {
        this.scores = scores;
        this.positives = positives;
        this.negatives = negatives;
        this.positiveTotal = Arrays.stream(positives).sum();
        this.negativeTotal = Arrays.stream(negatives).sum();
    }

    /**
     * Ranks column {@code positiveClass} of row-major {@code probabilities} ({@code classCount} per
     * row); a row is positive when its actual class is {@code positiveClass}. Scores must not be NaN.
     */
    static RankedScores of(float[] probabilities, int classCount, int[] actual, int positiveClass) {
        int n = actual.length;
        // Each key is the score's order-preserving bits above the row number, so a plain sort of
        // longs sorts rows by score.
        long[] keys = new long[n];
        for (int row = 0; row < n; row++) {
            float score = probabilities[row * classCount + positiveClass] + 0.0f; // folds -0.0 into 0.0
            keys[row] = ((long) sortableBits(score) << 32) | row;
        }
        Arrays.sort(keys);
        float[] scores = new float[n];
        long[] positives = new long[n];
        long[] negatives = new long[n];
        int groups = 0;
        for (int i = n - 1; i >= 0; i--) {
            int row = (int) keys[i];
            float score = probabilities[row * classCount + positiveClass] + 0.0f;
            if (groups == 0 || score != scores[groups - 1]) {
                scores[groups++] = score;
            }
            if (actual[row] == positiveClass) positives[groups - 1]++;
            else negatives[groups - 1]++;
        }
        return new RankedScores(Arrays.copyOf(scores, groups), Arrays.copyOf(positives, groups),
                Arrays.copyOf(negatives, groups));
    }

    /** The float's bits, flipped for negatives, so that signed int order is float order. */
    private static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /**
     * The area under the ROC curve: the chance that a random positive scores above a random
     * negative, a tie counting one half. This is the Mann–Whitney U statistic with average ranks
     * for ties, divided by P·N; counting per distinct score keeps it exact (whole numbers of half
     * pairs, at most n²/2, fit a long). NaN without positives or without negatives.
     */
    double auc() {
        if (positiveTotal == 0 || negativeTotal == 0) return Double.NaN;
        long positivesAbove = 0;
        long twiceWonPairs = 0;
        for (int g = 0; g < scores.length; g++) {
            twiceWonPairs += negatives[g] * (2 * positivesAbove + positives[g]);
            positivesAbove += positives[g];
        }
        return twiceWonPairs / (2.0 * positiveTotal * negativeTotal);
    }

    /**
     * The ROC curve: (0, 0) at threshold +Infinity, then one point per distinct score, highest
     * first, ending at (1, 1). A rate whose denominator is zero (no positives, or no negatives) is NaN.
     */
    List<RocPoint> curve() {
        List<RocPoint> points = new ArrayList<>(scores.length + 1);
        points.add(new RocPoint(Double.POSITIVE_INFINITY, rate(0, negativeTotal), rate(0, positiveTotal)));
        long truePositives = 0;
        long falsePositives = 0;
        for (int g = 0; g < scores.length; g++) {
            truePositives += positives[g];
            falsePositives += negatives[g];
            points.add(new RocPoint(scores[g], rate(falsePositives, negativeTotal), rate(truePositives, positiveTotal)));
        }
        return points;
    }

    private static double rate(long count, long total) {
        return total == 0 ? Double.NaN : (double) count / total;
    }
}

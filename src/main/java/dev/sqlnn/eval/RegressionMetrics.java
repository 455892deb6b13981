package dev.sqlnn.eval;

/**
 * How close a regression model's predictions are to the actual values: mean squared error, mean
 * absolute error and the coefficient of determination R². A NaN among the inputs makes every
 * metric NaN, which is left visible rather than hidden.
 */
public final class RegressionMetrics {

    private final long rowCount;
    private final double meanSquaredError;
    private final double meanAbsoluteError;
    private final double r2;

    public RegressionMetrics(double[] actual, double[] predicted) {
        if (actual.length == 0) throw new IllegalArgumentException("no rows to evaluate");
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(actual.length + " actual values but " + predicted.length + " predictions");
        }
        int n = actual.length;
        double mean = 0;
        for (double y : actual) mean += y;
        mean /= n;
        double squaredErrors = 0;
        double absoluteErrors = 0;
        double squaredDeviations = 0; // around the mean, in a second pass: one pass loses precision
        for (int i = 0; i < n; i++) {
            double error = predicted[i] - actual[i];
            squaredErrors += error * error;
            absoluteErrors += Math.abs(error);
            double deviation = actual[i] - mean;
            squaredDeviations += deviation * deviation;
        }
        this.rowCount = n;
        this.meanSquaredError = squaredErrors / n;
        this.meanAbsoluteError = absoluteErrors / n;
        this.r2 = r2(squaredErrors, squaredDeviations);
    }

    /**
     * 1 - SS_res / SS_tot. Constant actual values leave SS_tot = 0: then, as scikit-learn does, R²
     * is 1 for perfect predictions and 0 otherwise, rather than a division by zero.
     */
    private static double r2(double squaredErrors, double squaredDeviations) {
        if (squaredDeviations == 0) {
            if (Double.isNaN(squaredErrors)) return Double.NaN;
            return squaredErrors == 0 ? 1 : 0;
        }
        return 1 - squaredErrors / squaredDeviations;
    }

    public long rowCount() {
        return rowCount;
    }

    public double mse() {
        return meanSquaredError;
    }

    public double mae() {
        return meanAbsoluteError;
    }

    public double r2() {
        return r2;
    }
}

package dev.sqlnn.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RegressionMetricsTest {

    private static final double EXACT = 1e-12;

    @Test
    void smallExample() {
        // actual 3, -0.5, 2, 7; predicted 2.5, 0, 2, 8 (scikit-learn's documentation example)
        //   errors -0.5, 0.5, 0, 1
        //   MSE = (0.25 + 0.25 + 0 + 1) / 4 = 0.375;  MAE = (0.5 + 0.5 + 0 + 1) / 4 = 0.5
        //   mean actual = 11.5 / 4 = 2.875
        //   SS_tot = 0.125² + 3.375² + 0.875² + 4.125² = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875
        //   R² = 1 - 1.5 / 29.1875 = 0.948608...
        RegressionMetrics m = new RegressionMetrics(new double[] {3, -0.5, 2, 7}, new double[] {2.5, 0, 2, 8});
        assertEquals(0.375, m.mse(), EXACT);
        assertEquals(0.5, m.mae(), EXACT);
        assertEquals(1 - 1.5 / 29.1875, m.r2(), EXACT);
        assertEquals(4, m.rowCount());
    }

    @Test
    void perfectPredictions() {
        double[] values = {1.5, -2, 10};
        RegressionMetrics m = new RegressionMetrics(values, values.clone());
        assertEquals(0.0, m.mse());
        assertEquals(0.0, m.mae());
        assertEquals(1.0, m.r2());
    }

    @Test
    void predictingTheMeanGivesZeroAndWorseGivesNegativeR2() {
        // actual 1, 2, 3 (mean 2, SS_tot = 2): predicting 2 everywhere gives SS_res = 2 → R² = 0;
        // predicting 3, 2, 1 gives SS_res = 4 + 0 + 4 = 8 → R² = 1 - 8/2 = -3
        double[] actual = {1, 2, 3};
        assertEquals(0.0, new RegressionMetrics(actual, new double[] {2, 2, 2}).r2(), EXACT);
        assertEquals(-3.0, new RegressionMetrics(actual, new double[] {3, 2, 1}).r2(), EXACT);
    }

    @Test
    void constantActualValuesGiveOneOrZeroRatherThanDividingByZero() {
        double[] constant = {4, 4, 4};
        assertEquals(1.0, new RegressionMetrics(constant, new double[] {4, 4, 4}).r2());
        RegressionMetrics off = new RegressionMetrics(constant, new double[] {4, 5, 4});
        assertEquals(0.0, off.r2());
        assertEquals(1.0 / 3, off.mse(), EXACT);
    }

    @Test
    void nanPredictionsStayVisible() {
        RegressionMetrics m = new RegressionMetrics(new double[] {1, 2}, new double[] {1, Double.NaN});
        assertTrue(Double.isNaN(m.mse()));
        assertTrue(Double.isNaN(m.mae()));
        assertTrue(Double.isNaN(m.r2()));
    }

    @Test
    void badInputsAreRefused() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new RegressionMetrics(new double[0], new double[0]));
        assertEquals("no rows to evaluate", empty.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> new RegressionMetrics(new double[] {1, 2}, new double[] {1}));
        assertEquals("2 actual values but 1 predictions", mismatch.getMessage());
    }
}

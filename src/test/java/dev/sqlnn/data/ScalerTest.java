package dev.sqlnn.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScalerTest {

    /** Rows of two numeric features: the first 1, 2, 3, 4; the second constant 7. */
    private static Dataset numbers() {
        return Dataset.regression(new float[] {1, 7, 2, 7, 3, 7, 4, 7}, 2, List.of("A", "B"), new float[4]);
    }

    /** Rows of two unsigned bytes: the first 0, 100, 200, 250 (200 and 250 are negative as Java bytes). */
    private static Dataset bytes() {
        byte[] pixels = {0, 9, 100, 9, (byte) 200, 9, (byte) 250, 9};
        return Dataset.classification(pixels, 2, List.of("IMAGE"), LabelKind.INTEGER, List.of("0", "1"), new int[] {0, 1, 0, 1});
    }

    private static float[] scaleAll(Dataset dataset, Preprocessing preprocessing) {
        int[] rows = new int[dataset.rows()];
        for (int row = 0; row < rows.length; row++) rows[row] = row;
        float[] out = new float[rows.length * dataset.width()];
        dataset.scaledRows(preprocessing, rows, 0, rows.length, out);
        return out;
    }

    @Test
    void autoDividesBytesBy255() {
        Preprocessing preprocessing = Scaler.fit(bytes(), Scaling.AUTO);
        assertEquals(Scaling.BYTES, preprocessing.scaling());
        assertEquals(FeatureKind.BYTES, preprocessing.kind());
        assertArrayEquals(new float[] {0, 9 / 255f, 100 / 255f, 9 / 255f, 200 / 255f, 9 / 255f, 250 / 255f, 9 / 255f},
                scaleAll(bytes(), preprocessing), 1e-7f);
    }

    @Test
    void autoStandardisesNumbersAndLeavesConstantFeaturesAtZero() {
        Preprocessing preprocessing = Scaler.fit(numbers(), Scaling.AUTO);
        assertEquals(Scaling.STANDARD, preprocessing.scaling());
        assertArrayEquals(new float[] {2.5f, 7}, preprocessing.shift());
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(1.25)), 1}, preprocessing.factor(), 1e-7f);
        float[] scaled = scaleAll(numbers(), preprocessing);
        double mean = 0;
        double squares = 0;
        for (int row = 0; row < 4; row++) {
            mean += scaled[row * 2] / 4.0;
            squares += scaled[row * 2] * scaled[row * 2] / 4.0;
            assertEquals(0f, scaled[row * 2 + 1]);
        }
        assertEquals(0, mean, 1e-6);
        assertEquals(1, squares, 1e-6);
    }

    @Test
    void standardOnBytesFitsTheUnsignedValues() {
        Preprocessing preprocessing = Scaler.fit(bytes(), Scaling.STANDARD);
        assertEquals(FeatureKind.BYTES, preprocessing.kind());
        assertEquals(Scaling.STANDARD, preprocessing.scaling());
        double mean = (0 + 100 + 200 + 250) / 4.0;
        double variance = (mean * mean + Math.pow(100 - mean, 2) + Math.pow(200 - mean, 2) + Math.pow(250 - mean, 2)) / 4;
        assertArrayEquals(new float[] {(float) mean, 9}, preprocessing.shift());
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(variance)), 1}, preprocessing.factor(), 1e-9f);
    }

    @Test
    void minMaxMapsEachFeatureOntoZeroToOne() {
        Preprocessing numeric = Scaler.fit(numbers(), Scaling.MINMAX);
        assertEquals(Scaling.MINMAX, numeric.scaling());
        assertArrayEquals(new float[] {0, 0, 1 / 3f, 0, 2 / 3f, 0, 1, 0}, scaleAll(numbers(), numeric), 1e-6f);
        Preprocessing pixels = Scaler.fit(bytes(), Scaling.MINMAX);
        assertArrayEquals(new float[] {0, 0, 0.4f, 0, 0.8f, 0, 1, 0}, scaleAll(bytes(), pixels), 1e-6f);
    }

    @Test
    void minMaxHandlesNegativeValues() {
        Dataset dataset = Dataset.regression(new float[] {-3, -1, 1}, 1, List.of("X"), new float[3]);
        assertArrayEquals(new float[] {0, 0.5f, 1}, scaleAll(dataset, Scaler.fit(dataset, Scaling.MINMAX)), 1e-7f);
    }

    @Test
    void noneIsTheIdentity() {
        Preprocessing preprocessing = Scaler.fit(numbers(), Scaling.NONE);
        assertEquals(Scaling.NONE, preprocessing.scaling());
        assertArrayEquals(new float[] {1, 7, 2, 7, 3, 7, 4, 7}, scaleAll(numbers(), preprocessing));
        assertSame(FeatureKind.BYTES, Scaler.fit(bytes(), Scaling.NONE).kind());
        assertArrayEquals(new float[] {0, 9, 100, 9, 200, 9, 250, 9}, scaleAll(bytes(), Scaler.fit(bytes(), Scaling.NONE)));
    }

    @Test
    void bytesScalingOfNumbersIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Scaler.fit(numbers(), Scaling.BYTES));
    }

    @Test
    void standardKeepsASmallSpreadOnALargeOffset() {
        // 100,000 rows of 1e8 + {0, 8, 16, 24} (exact in float32): a one-pass sum of squares would cancel the spread.
        int rows = 100_000;
        float[] values = new float[rows];
        for (int row = 0; row < rows; row++) values[row] = 1e8f + 8 * (row % 4);
        Dataset dataset = Dataset.regression(values, 1, List.of("X"), new float[rows]);
        Preprocessing preprocessing = Scaler.fit(dataset, Scaling.STANDARD);
        assertEquals((float) (1e8 + 12), preprocessing.shift()[0]); // the mean, rounded once to the stored float32
        assertEquals((float) (1 / Math.sqrt(80)), preprocessing.factor()[0]);
    }

    @Test
    void fitsAcrossManyBatches() {
        // 300 rows of 784 bytes span several raw batches; every pixel of column j is j % 256 except row 0's.
        int rows = 300;
        int width = 784;
        byte[] pixels = new byte[rows * width];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i % width);
        pixels[0] = (byte) 255;
        Dataset dataset = Dataset.regression(pixels, width, List.of("IMAGE"), new float[rows]);
        Preprocessing preprocessing = Scaler.fit(dataset, Scaling.MINMAX);
        assertEquals(0f, preprocessing.shift()[0]);
        assertEquals(1 / 255f, preprocessing.factor()[0]);
        assertEquals(1f, preprocessing.factor()[1]); // constant column
        assertEquals(width % 256 - 1, preprocessing.shift()[width - 1]);
    }
}

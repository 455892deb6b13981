package dev.sqlnn.data;

import dev.sqlnn.data.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    /** Three rows of four unsigned bytes; 255 and 128 check that bytes are read unsigned. */
    private static Dataset threeImages() {
        byte[] pixels = {
                0, 1, 2, 3,
                (byte) 255, (byte) 128, 127, 0,
                10, 20, 30, 40};
        return Dataset.classification(pixels, 4, List.of("IMAGE"), LabelKind.INTEGER, List.of("0", "1"), new int[] {0, 1, 1});
    }

    @Test
    void bytesDatasetDescribesItself() {
        Dataset images = threeImages();
        assertEquals(FeatureKind.BYTES, images.kind());
        assertEquals(4, images.width());
        assertEquals(3, images.rows());
        assertEquals(List.of("IMAGE"), images.featureNames());
        assertEquals(Task.CLASSIFICATION, images.task());
        assertEquals(LabelKind.INTEGER, images.labelKind());
        assertEquals(1, images.classIndex(2));
        assertEquals(12, images.byteFeatures().length);
    }

    @Test
    void scaledRowsConvertsBytesStraightToScaledFloats() {
        float[] out = new float[8];
        threeImages().scaledRows(Preprocessing.bytes(4), new int[] {2, 1, 0}, 1, 2, out);
        assertArrayEquals(new float[] {255 / 255f, 128 / 255f, 127 / 255f, 0, 0, 1 / 255f, 2 / 255f, 3 / 255f}, out, 1e-7f);
    }

    @Test
    void scaledRowsAppliesShiftAndFactorToNumbers() {
        Dataset numbers = Dataset.regression(new float[] {1, 2, 3, 4, 5, 6}, 2, List.of("A", "B"), new float[] {0.5f, 1, 1.5f});
        Preprocessing preprocessing = new Preprocessing(FeatureKind.NUMERIC, Scaling.STANDARD,
                new float[] {1, 2}, new float[] {2, 0.5f});
        float[] out = new float[6];
        numbers.scaledRows(preprocessing, new int[] {2, 0, 1}, 0, 3, out);
        assertArrayEquals(new float[] {8, 2, 0, 0, 4, 1}, out);
        assertEquals(1.5f, numbers.target(2));
        assertEquals(Task.REGRESSION, numbers.task());
        assertEquals(LabelKind.FLOAT, numbers.labelKind());
        assertEquals(List.of(), numbers.classes());
    }

    @Test
    void scaledRowsRejectsAPreprocessingOfAnotherShapeOrASmallOutput() {
        Dataset images = threeImages();
        assertThrows(IllegalArgumentException.class,
                () -> images.scaledRows(Preprocessing.bytes(5), new int[] {0}, 0, 1, new float[5]));
        assertThrows(IllegalArgumentException.class,
                () -> images.scaledRows(Preprocessing.identity(FeatureKind.NUMERIC, 4), new int[] {0}, 0, 1, new float[4]));
        assertThrows(IllegalArgumentException.class,
                () -> images.scaledRows(Preprocessing.bytes(4), new int[] {0, 1}, 0, 2, new float[7]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> images.scaledRows(Preprocessing.bytes(4), new int[] {3}, 0, 1, new float[4]));
    }

    @Test
    void labelsOfTheOtherTaskAreAStateError() {
        assertThrows(IllegalStateException.class, () -> threeImages().target(0));
        Dataset regression = Dataset.regression(new float[] {1, 2}, 1, List.of("X"), new float[] {1, 2});
        assertThrows(IllegalStateException.class, () -> regression.classIndex(0));
    }

    @Test
    void factoriesCheckTheirArguments() {
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> Dataset.regression(new float[] {1, 2, 3}, 2, List.of("X"), new float[] {1}));
        assertTrue(ragged.getMessage().contains("width 2"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(new byte[] {1, 2}, 1, List.of("X"),
                LabelKind.INTEGER, List.of("0", "1"), new int[] {0, 2}));
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(new byte[] {1, 2}, 1, List.of("X"),
                LabelKind.INTEGER, List.of("0"), new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Dataset.classification(new byte[] {1, 2}, 1, List.of("X"),
                LabelKind.FLOAT, List.of("0", "1"), new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.regression(new float[] {1, 2}, 1, List.of("X"), new float[] {1, Float.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.regression(new float[] {1, 2, 3, 4}, 2, List.of("A", "B", "C"), new float[] {1, 2}));
    }
}

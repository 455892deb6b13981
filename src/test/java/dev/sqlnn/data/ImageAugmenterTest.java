package dev.sqlnn.data;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageAugmenterTest {

    /** A 6×6 image: an asymmetric 2×3 block (rows 1-2, columns 1-3) plus one dot, so turns and flips differ. */
    private static byte[] pattern() {
        byte[] image = new byte[36];
        for (int y = 1; y <= 2; y++) {
            for (int x = 1; x <= 3; x++) image[y * 6 + x] = (byte) (40 * y + x);
        }
        image[4 * 6 + 1] = (byte) 255;
        return image;
    }

    private static int at(byte[] image, int columns, int x, int y) {
        return image[y * columns + x] & 0xFF;
    }

    @Test
    void aWholePixelShiftMovesThePatternExactly() {
        ImageAugmenter augmenter = new ImageAugmenter(6, 6, 2, 0, 1);
        byte[] src = pattern();
        byte[] dst = new byte[36];
        for (int dx = -2; dx <= 2; dx++) {
            for (int dy = -2; dy <= 2; dy++) {
                augmenter.transform(src, 0, dst, 0, dx, dy, 0);
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 6; x++) {
                        int sx = x - dx, sy = y - dy;
                        int expected = sx < 0 || sy < 0 || sx >= 6 || sy >= 6 ? 0 : at(src, 6, sx, sy);
                        assertEquals(expected, at(dst, 6, x, y), "shift (" + dx + ", " + dy + ") at (" + x + ", " + y + ")");
                    }
                }
            }
        }
    }

    @Test
    void aShiftBeyondTheImageLeavesZeros() {
        byte[] dst = new byte[36];
        Arrays.fill(dst, (byte) 7);
        new ImageAugmenter(6, 6, 6, 0, 1).transform(pattern(), 0, dst, 0, 6, 0, 0);
        assertArrayEquals(new byte[36], dst);
        Arrays.fill(dst, (byte) 7);
        new ImageAugmenter(6, 6, 6, 0, 1).transform(new byte[36], 0, dst, 0, 0, 0, 33);
        assertArrayEquals(new byte[36], dst, "a blank image stays blank");
    }

    @Test
    void aQuarterTurnOfASquareImageIsExactAndCounterClockwise() {
        ImageAugmenter augmenter = new ImageAugmenter(6, 6, 0, 90, 1);
        byte[] src = pattern();
        byte[] turned = new byte[36];
        augmenter.transform(src, 0, turned, 0, 0, 0, 90);
        // Counter-clockwise as seen (y down): the output at (x, y) comes from the input at (n-1-y, x).
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                assertEquals(at(src, 6, 5 - y, x), at(turned, 6, x, y), "at (" + x + ", " + y + ")");
            }
        }
        // The right end of the block's top row, (3, 1), ends up on the left of the upper half: (1, 2).
        assertEquals(at(src, 6, 3, 1), at(turned, 6, 1, 2));

        byte[] back = turned.clone();
        byte[] scratch = new byte[36];
        for (int i = 0; i < 3; i++) {
            augmenter.transform(back, 0, scratch, 0, 0, 0, 90);
            System.arraycopy(scratch, 0, back, 0, 36);
        }
        assertArrayEquals(src, back, "four quarter turns are the identity");
        augmenter.transform(src, 0, scratch, 0, 0, 0, -90);
        byte[] threeQuarters = new byte[36];
        augmenter.transform(turned, 0, threeQuarters, 0, 0, 0, 180);
        assertArrayEquals(scratch, threeQuarters, "-90 is +270");
    }

    @Test
    void anOddSizedImageTurnsAboutItsCentrePixel() {
        byte[] src = new byte[25];
        src[2 * 5 + 4] = 9;  // right middle
        src[2 * 5 + 2] = 5;  // centre
        byte[] dst = new byte[25];
        new ImageAugmenter(5, 5, 0, 90, 1).transform(src, 0, dst, 0, 0, 0, 90);
        byte[] expected = new byte[25];
        expected[2] = 9;         // top middle
        expected[2 * 5 + 2] = 5; // the centre stays
        assertArrayEquals(expected, dst);
    }

    @Test
    void aSmallRotationKeepsTheInkNearlyAndMovesItOnlyALittle() {
        byte[] src = IdxReader.bundledDigits(false).images().pixels();
        byte[] image = Arrays.copyOf(src, 784);
        byte[] dst = new byte[784];
        new ImageAugmenter(28, 28, 0, 10, 1).transform(image, 0, dst, 0, 0, 0, 10);
        long inkBefore = 0, inkAfter = 0, changed = 0;
        for (int i = 0; i < 784; i++) {
            inkBefore += image[i] & 0xFF;
            inkAfter += dst[i] & 0xFF;
            if (image[i] != dst[i]) changed++;
        }
        assertEquals(inkBefore, inkAfter, inkBefore * 0.05, "bilinear sampling keeps the ink within 5%");
        assertTrue(changed > 20, "a 10° turn of a digit changes pixels; changed " + changed);
    }

    @Test
    void theDrawDependsOnlyOnSeedEpochAndRow() {
        byte[] src = Arrays.copyOf(IdxReader.bundledDigits(false).images().pixels(), 784);
        ImageAugmenter augmenter = new ImageAugmenter(28, 28, 2, 10, 42);
        byte[] a = augmented(augmenter, src, 3, 17);
        assertArrayEquals(a, augmented(augmenter, src, 3, 17));
        assertArrayEquals(a, augmented(new ImageAugmenter(28, 28, 2, 10, 42), src, 3, 17), "a new augmenter, same seed");
        assertFalse(Arrays.equals(a, augmented(augmenter, src, 4, 17)), "another epoch draws another transform");
        assertFalse(Arrays.equals(a, augmented(augmenter, src, 3, 18)), "another row draws another transform");
        assertFalse(Arrays.equals(a, augmented(new ImageAugmenter(28, 28, 2, 10, 43), src, 3, 17)), "another seed");
    }

    @Test
    void drawsCoverEveryShiftWithinTheLimitAndNoMore() {
        // A single dot at the centre of a 9×9 image shows the shift that was drawn.
        byte[] src = new byte[81];
        src[4 * 9 + 4] = 100;
        ImageAugmenter augmenter = new ImageAugmenter(9, 9, 2, 0, 7);
        int[][] seen = new int[5][5];
        byte[] dst = new byte[81];
        for (int row = 0; row < 2000; row++) {
            augmenter.augment(src, 0, dst, 0, 0, row);
            int found = -1;
            for (int i = 0; i < 81; i++) {
                if (dst[i] != 0) {
                    assertEquals(-1, found, "one dot");
                    found = i;
                }
            }
            int dx = found % 9 - 4, dy = found / 9 - 4;
            assertTrue(Math.abs(dx) <= 2 && Math.abs(dy) <= 2, "shift (" + dx + ", " + dy + ")");
            seen[dy + 2][dx + 2]++;
        }
        for (int[] line : seen) {
            for (int count : line) assertTrue(count > 40, "every shift drawn about 80 times of 2000: " + Arrays.deepToString(seen));
        }
    }

    @Test
    void noShiftAndNoRotationIsTheIdentity() {
        assertTrue(new ImageAugmenter(28, 28, 0, 0, 1).isIdentity());
        assertFalse(new ImageAugmenter(28, 28, 1, 0, 1).isIdentity());
        byte[] src = pattern();
        assertArrayEquals(src, augmented(new ImageAugmenter(6, 6, 0, 0, 1), src, 5, 5));
    }

    @Test
    void rejectsBadSizesAndLimits() {
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmenter(0, 28, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmenter(65536, 65536, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmenter(28, 28, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmenter(28, 28, 1, 181, 1));
        assertThrows(IndexOutOfBoundsException.class,
                () -> new ImageAugmenter(6, 6, 1, 1, 1).augment(new byte[35], 0, new byte[36], 0, 0, 0));
    }

    private static byte[] augmented(ImageAugmenter augmenter, byte[] src, int epoch, int row) {
        byte[] dst = new byte[src.length];
        augmenter.augment(src, 0, dst, 0, epoch, row);
        return dst;
    }

    // ---------------------------------------------------------------- through DatasetExamples

    /** Three 6×6 images: the pattern, and two variations of it. */
    private static DatasetExamples threeImages() {
        byte[] pixels = new byte[3 * 36];
        for (int r = 0; r < 3; r++) {
            byte[] image = pattern();
            image[r] = (byte) (200 + r);
            System.arraycopy(image, 0, pixels, r * 36, 36);
        }
        Dataset dataset = Dataset.classification(pixels, 36, List.of("IMAGE"), LabelKind.INTEGER,
                List.of("0", "1"), new int[] {0, 1, 0});
        return DatasetExamples.of(dataset, Preprocessing.bytes(36));
    }

    @Test
    void evaluationSeesTheScaledRowsUnchanged() {
        DatasetExamples plain = threeImages();
        DatasetExamples augmented = plain.withAugmenter(new ImageAugmenter(6, 6, 2, 10, 42));
        int[] rows = {2, 0, 1};
        float[] expected = new float[3 * 36];
        plain.dataset().scaledRows(Preprocessing.bytes(36), rows, 0, 3, expected);
        float[] out = new float[3 * 36];
        augmented.inputs(rows, 0, 3, out, -1);
        assertArrayEquals(expected, out);
        plain.inputs(rows, 0, 3, out, 0);
        assertArrayEquals(expected, out, "without an augmenter, training rows are unchanged too");
    }

    @Test
    void trainingSeesEachRowAugmentedAsItsOwnDrawWhateverTheBatch() {
        DatasetExamples plain = threeImages();
        ImageAugmenter augmenter = new ImageAugmenter(6, 6, 2, 10, 42);
        DatasetExamples augmented = plain.withAugmenter(augmenter);
        float[] batch = new float[3 * 36];
        augmented.inputs(new int[] {2, 0, 1}, 0, 3, batch, 4);
        float[] alone = new float[36];
        augmented.inputs(new int[] {9, 0}, 1, 1, alone, 4);
        assertArrayEquals(Arrays.copyOfRange(batch, 36, 72), alone, "row 0 in a batch of three or alone");

        byte[] expected = new byte[36];
        augmenter.augment(plain.dataset().byteFeatures(), 0, expected, 0, 4, 0);
        for (int i = 0; i < 36; i++) assertEquals((expected[i] & 0xFF) / 255f, alone[i], 1e-7f);

        float[] unchanged = new float[36];
        plain.inputs(new int[] {0}, 0, 1, unchanged, 4);
        float[] otherEpochs = new float[36];
        boolean differs = false;
        for (int epoch = 0; epoch < 4 && !differs; epoch++) {
            augmented.inputs(new int[] {0}, 0, 1, otherEpochs, epoch);
            differs = !Arrays.equals(unchanged, otherEpochs);
        }
        assertTrue(differs, "some epoch moves the image");
    }

    @Test
    void anAugmenterMustFitTheBytes() {
        DatasetExamples images = threeImages();
        assertThrows(IllegalArgumentException.class, () -> images.withAugmenter(new ImageAugmenter(5, 7, 1, 0, 1)));
        Dataset numbers = Dataset.classification(new float[36], 36, List.of("X"), LabelKind.INTEGER,
                List.of("0", "1"), new int[] {0});
        DatasetExamples numeric = DatasetExamples.of(numbers, Preprocessing.identity(FeatureKind.NUMERIC, 36));
        assertThrows(IllegalArgumentException.class, () -> numeric.withAugmenter(new ImageAugmenter(6, 6, 1, 0, 1)));
    }

    @Test
    void augmentingABatchAllocatesNothing() {
        DatasetExamples augmented = threeImages().withAugmenter(new ImageAugmenter(6, 6, 2, 10, 42));
        int[] rows = {2, 0, 1};
        float[] out = new float[3 * 36];
        for (int i = 0; i < 1000; i++) augmented.inputs(rows, 0, 3, out, i); // warm up (and create the scratch)
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) augmented.inputs(rows, 0, 3, out, i);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "30,000 augmented rows allocated " + allocated + " bytes");
    }
}

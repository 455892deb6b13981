package dev.sqlnn.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    private static final int IMAGES = 0x803;
    private static final int LABELS = 0x801;

    @Test
    void readsTheBundledTrainingDigits() {
        checkBundled(IdxReader.bundledDigits(true), 8000);
    }

    @Test
    void readsTheBundledTestDigits() {
        checkBundled(IdxReader.bundledDigits(false), 2000);
    }

    private static void checkBundled(IdxReader.Digits digits, int expectedCount) {
        IdxReader.Images images = digits.images();
        assertEquals(expectedCount, digits.count());
        assertEquals(expectedCount, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.cols());
        assertEquals(expectedCount * 784, images.pixels().length);
        int[] perLabel = new int[10];
        for (byte label : digits.labels()) {
            assertTrue(label >= 0 && label <= 9, "label " + label);
            perLabel[label]++;
        }
        for (int digit = 0; digit < 10; digit++) {
            assertTrue(perLabel[digit] > expectedCount / 20, "only " + perLabel[digit] + " images of " + digit);
        }
        int max = 0;
        for (byte pixel : images.pixels()) max = Math.max(max, pixel & 0xFF);
        assertEquals(255, max, "MNIST digits are drawn up to full intensity");
    }

    @Test
    void readsASmallUncompressedFile() throws IOException {
        byte[] pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 11);
        IdxReader.Images images = IdxReader.readImages(stream(idx(IMAGES, new int[] {3, 2, 4}, pixels)));
        assertEquals(3, images.count());
        assertEquals(2, images.rows());
        assertEquals(4, images.cols());
        assertEquals(8, images.pixelsPerImage());
        assertArrayEquals(pixels, images.pixels());

        byte[] labels = {7, 0, (byte) 200};
        assertArrayEquals(labels, IdxReader.readLabels(stream(idx(LABELS, new int[] {3}, labels))));
    }

    @Test
    void readsTheSameFileGzipped() throws IOException {
        byte[] pixels = {1, 2, 3, 4, (byte) 255, 0, 9, 8};
        IdxReader.Images images = IdxReader.readImages(stream(gzip(idx(IMAGES, new int[] {2, 2, 2}, pixels))));
        assertArrayEquals(pixels, images.pixels());
        assertArrayEquals(new byte[] {5, 6}, IdxReader.readLabels(stream(gzip(idx(LABELS, new int[] {2}, new byte[] {5, 6})))));
    }

    @Test
    void readsAnEmptyFile() throws IOException {
        assertEquals(0, IdxReader.readImages(stream(idx(IMAGES, new int[] {0, 28, 28}, new byte[0]))).count());
        assertEquals(0, IdxReader.readLabels(stream(idx(LABELS, new int[] {0}, new byte[0]))).length);
    }

    @Test
    void rejectsABadMagic() {
        byte[] labels = idx(LABELS, new int[] {2}, new byte[] {1, 2});
        String message = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(stream(labels))).getMessage();
        assertTrue(message.contains("0x00000801") && message.contains("label file?"), message);

        byte[] text = "hello, world: not IDX".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(stream(text)));
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(stream(new byte[0])));
    }

    @Test
    void rejectsTruncatedData() {
        byte[] file = idx(IMAGES, new int[] {3, 2, 4}, new byte[24]);
        for (int length : new int[] {0, 5, 15, 16, 20, file.length - 1}) {
            byte[] cut = Arrays.copyOf(file, length);
            assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(stream(cut)), "cut to " + length);
        }
        String message = assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(stream(Arrays.copyOf(file, file.length - 1)))).getMessage();
        assertTrue(message.contains("truncated") && message.contains("24") && message.contains("23"), message);

        byte[] gzipped = gzip(idx(LABELS, new int[] {1000}, new byte[1000]));
        for (int length = 0; length < gzipped.length; length++) {
            byte[] cut = Arrays.copyOf(gzipped, length);
            assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(stream(cut)), "gzip cut to " + length);
        }
    }

    @Test
    void rejectsDataBeyondWhatTheHeaderDeclares() {
        byte[] file = idx(LABELS, new int[] {2}, new byte[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(stream(file)));
    }

    @Test
    void rejectsImpossibleHeaders() {
        assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(stream(idx(IMAGES, new int[] {-1, 28, 28}, new byte[0]))));
        assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(stream(idx(IMAGES, new int[] {4, 0, 28}, new byte[0]))));
        assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readImages(stream(idx(IMAGES, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[0]))));
        assertThrows(IllegalArgumentException.class,
                () -> IdxReader.readLabels(stream(idx(LABELS, new int[] {Integer.MAX_VALUE}, new byte[0]))));
    }

    @Test
    void aHeaderClaimingGigabytesCostsOnlyTheDataPresent() {
        byte[] lying = idx(IMAGES, new int[] {2_000_000, 28, 28}, new byte[100]); // claims 1.5 GB
        assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(stream(lying))); // warm-up
        var threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean counting && counting.isThreadAllocatedMemoryEnabled()) {
            long before = counting.getCurrentThreadAllocatedBytes();
            assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(stream(lying)));
            long allocated = counting.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 8 << 20, "a 116-byte file with a lying header cost " + allocated + " bytes");
        }
    }

    private static ByteArrayInputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    /** An IDX file: big-endian magic, each dimension, then the data. */
    private static byte[] idx(int magic, int[] dimensions, byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dimensions) out.writeInt(d);
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

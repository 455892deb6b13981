package dev.sqlnn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files MNIST is distributed in, gzipped or not, and the 10,000 digits bundled with
 * sqlnn (8,000 for training, 2,000 for testing) that the demo and the tests use.
 *
 * <p>An IDX file is a big-endian header (a magic number naming the element type and the number of
 * dimensions, then each dimension) followed by the elements. Files come from downloads that may be
 * cut short or mixed up, so the header is checked against the data: a wrong magic, a truncated or
 * overlong file is an {@link IllegalArgumentException} saying what was found; a header that
 * claims gigabytes costs no more memory than the data actually present.
 */
public final class IdxReader {

    /** Unsigned bytes in three dimensions: count, rows, columns. */
    private static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes in one dimension: count. */
    private static final int LABELS_MAGIC = 0x00000801;
    /** The largest byte array a JVM reliably allocates. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    /** Data is read into a buffer that starts this big and doubles, so a lying header cannot force a huge allocation. */
    private static final int FIRST_CHUNK = 1 << 20;

    /** {@code count} images of {@code rows × cols} unsigned bytes, row-major, one after another (not copied). */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            if (count < 0 || rows < 1 || cols < 1 || pixels.length != (long) count * rows * cols) {
                throw new IllegalArgumentException(count + " images of " + rows + "×" + cols + " need "
                        + (long) count * rows * cols + " pixels; got " + pixels.length);
            }
        }

        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    /** Images and their labels (unsigned bytes, one per image). */
    public record Digits(Images images, byte[] labels) {
        public Digits {
            if (labels.length != images.count()) {
                throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
            }
        }

        public int count() {
            return labels.length;
        }
    }

    private IdxReader() {
    }

    /** Reads an image file ({@code *-idx3-ubyte}, optionally gzipped) to its end; the caller closes {@code in}. */
    public static Images readImages(InputStream in) throws IOException {
        try (DataInputStream data = open(in)) {
            checkMagic(header(data), IMAGES_MAGIC, "image");
            int count = header(data);
            int rows = header(data);
            int cols = header(data);
            if (count < 0 || rows < 1 || cols < 1) {
                throw new IllegalArgumentException("IDX image header declares " + count + " images of " + rows
                        + "×" + cols + " pixels; expected a count of at least 0 and positive sizes");
            }
            long total = (long) count * rows * cols; // each factor is below 2^31: no overflow
            if (total > MAX_BYTES) {
                throw new IllegalArgumentException("IDX image header declares " + count + " images of " + rows
                        + "×" + cols + " = " + total + " pixels; at most " + MAX_BYTES + " can be read");
            }
            byte[] pixels = readExactly(data, (int) total, "image");
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Reads a label file ({@code *-idx1-ubyte}, optionally gzipped) to its end; the caller closes {@code in}. */
    public static byte[] readLabels(InputStream in) throws IOException {
        try (DataInputStream data = open(in)) {
            checkMagic(header(data), LABELS_MAGIC, "label");
            int count = header(data);
            if (count < 0 || count > MAX_BYTES) {
                throw new IllegalArgumentException("IDX label header declares " + count
                        + " labels; expected 0 to " + MAX_BYTES);
            }
            return readExactly(data, count, "label");
        }
    }

    /** The bundled MNIST digits: 8,000 for training, or the 2,000 others for testing. */
    public static Digits bundledDigits(boolean train) {
        String prefix = "mnist10k-" + (train ? "train" : "test");
        try {
            Images images = readResource(prefix + "-images-idx3-ubyte.gz", IdxReader::readImages);
            byte[] labels = readResource(prefix + "-labels-idx1-ubyte.gz", IdxReader::readLabels);
            return new Digits(images, labels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled MNIST digits", e);
        }
    }

    private interface StreamReader<T> {
        T read(InputStream in) throws IOException;
    }

    private static <T> T readResource(String name, StreamReader<T> reader) throws IOException {
        try (InputStream in = IdxReader.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the bundled file dev/sqlnn/data/" + name + " is not on the classpath");
            }
            return reader.read(in);
        }
    }

    /**
     * Sees through gzip (files are often distributed as {@code .gz}); IDX magics start with two zero
     * bytes, so they never look like gzip's 1f 8b. Closing the result releases the inflater but
     * leaves the caller's stream open.
     */
    private static DataInputStream open(InputStream in) throws IOException {
        InputStream kept = new FilterInputStream(new BufferedInputStream(in)) {
            @Override
            public void close() {
                // the caller opened it, the caller closes it
            }
        };
        kept.mark(2);
        boolean gzip = kept.read() == 0x1f && kept.read() == 0x8b;
        kept.reset();
        if (!gzip) return new DataInputStream(kept);
        try {
            return new DataInputStream(new GZIPInputStream(kept, 1 << 16));
        } catch (EOFException e) {
            throw new IllegalArgumentException("IDX file is truncated: it ends inside its gzip header", e);
        }
    }

    private static int header(DataInputStream data) throws IOException {
        try {
            return data.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException("IDX file ends inside its header: it is empty or truncated", e);
        }
    }

    private static void checkMagic(int magic, int expected, String kind) {
        if (magic == expected) return;
        String hint = magic == IMAGES_MAGIC ? " (an image file?)" : magic == LABELS_MAGIC ? " (a label file?)" : "";
        throw new IllegalArgumentException(String.format(
                "not an IDX %s file: magic 0x%08x%s; expected 0x%08x", kind, magic, hint, expected));
    }

    /** Exactly {@code total} bytes, then the end of the stream; grows its buffer only as data arrives. */
    private static byte[] readExactly(InputStream in, int total, String kind) throws IOException {
        byte[] buffer = new byte[Math.min(total, FIRST_CHUNK)];
        int filled = 0;
        while (filled < total) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(total, 2L * buffer.length));
            }
            int n = readOrEnd(in, buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IllegalArgumentException("IDX " + kind + " file is truncated: its header declares "
                        + total + " data bytes but it ends after " + filled);
            }
            filled += n;
        }
        int after;
        try {
            after = in.read();
        } catch (EOFException e) {
            throw new IllegalArgumentException("IDX " + kind + " file is truncated: its data is complete but"
                    + " the gzip stream ends before its trailer", e);
        }
        if (after >= 0) {
            throw new IllegalArgumentException("IDX " + kind + " file has more than the " + total
                    + " data bytes its header declares: is the header from another file?");
        }
        return buffer;
    }

    /** Like {@link InputStream#read(byte[], int, int)}, with a gzip stream cut short counted as the end. */
    private static int readOrEnd(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        try {
            return in.read(buffer, offset, length);
        } catch (EOFException e) {
            return -1;
        }
    }
}

package dev.sqlnn.data;

/**
 * Random shifts and small rotations of images stored as unsigned bytes, for training: each row gets
 * its own shift of up to {@code maxShift} whole pixels in x and in y and a rotation by an angle drawn
 * uniformly from {@code [-maxRotateDegrees, maxRotateDegrees]} about the image centre, sampled
 * bilinearly, with zero (the background of MNIST-like images) where the source lies outside.
 *
 * <p>The random draw depends only on {@code (seed, epoch, row)}: a row looks the same whatever batch,
 * order or thread it is processed in, so training stays reproducible and independent of the thread
 * count, and a row looks different in each epoch. Nothing is allocated per image.
 *
 * <p>Coordinates: {@code x} is the column, {@code y} the row, counted downwards, as an image is shown.
 * A positive angle turns the picture counter-clockwise as seen; a positive shift moves it right
 * ({@code x}) or down ({@code y}).
 */
public final class ImageAugmenter {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int rows;
    private final int columns;
    private final int maxShift;
    private final double maxRotateDegrees;
    private final long seed;

    /**
     * @param rows             image height in pixels
     * @param columns          image width in pixels
     * @param maxShift         largest shift in pixels, in each direction; 0 for none
     * @param maxRotateDegrees largest rotation in degrees, either way; 0 for none
     * @param seed             the training's seed
     */
    public ImageAugmenter(int rows, int columns, int maxShift, double maxRotateDegrees, long seed) {
        if (rows < 1 || columns < 1 || (long) rows * columns > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an image needs positive sides and fewer than 2^31 pixels; got "
                    + rows + "×" + columns);
        }
        if (maxShift < 0 || !(maxRotateDegrees >= 0 && maxRotateDegrees <= 180)) {
            throw new IllegalArgumentException("shift must be ≥ 0 pixels and rotation 0 to 180 degrees; got shift "
                    + maxShift + ", rotation " + maxRotateDegrees);
        }
        this.rows = rows;
        this.columns = columns;
        this.maxShift = maxShift;
        this.maxRotateDegrees = maxRotateDegrees;
        this.seed = seed;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** Pixels per image: the byte features' width. */
    public int width() {
        return rows * columns;
    }

    /** Whether every image comes out unchanged (shift 0 and rotation 0). */
    public boolean isIdentity() {
        return maxShift == 0 && maxRotateDegrees == 0;
    }

    /**
     * Writes the image {@code src[srcOff..srcOff+width)}, randomly shifted and rotated as drawn for
     * {@code (epoch, row)}, into {@code dst[dstOff..dstOff+width)}; {@code dst} must not overlap {@code src}.
     *
     * @param epoch the training epoch, 0-based
     * @param row   the row's index in the data set (not its place in a batch)
     */
    public void augment(byte[] src, int srcOff, byte[] dst, int dstOff, int epoch, int row) {
        long state = mix(seed ^ mix(((long) epoch << 32 | (row & 0xFFFFFFFFL)) + GOLDEN));
        int shiftX = uniformInt(mix(state + GOLDEN), maxShift);
        int shiftY = uniformInt(mix(state + 2 * GOLDEN), maxShift);
        double unit = (mix(state + 3 * GOLDEN) >>> 11) * 0x1.0p-53; // [0, 1)
        double degrees = (2 * unit - 1) * maxRotateDegrees;
        transform(src, srcOff, dst, dstOff, shiftX, shiftY, degrees);
    }

    /**
     * Writes the image {@code src[srcOff..)} rotated by {@code degrees} about its centre and then shifted
     * by {@code (shiftX, shiftY)} pixels into {@code dst[dstOff..)}: each output pixel samples the source
     * at the inverse-transformed point, bilinearly, with zero outside the image.
     */
    public void transform(byte[] src, int srcOff, byte[] dst, int dstOff, double shiftX, double shiftY, double degrees) {
        int width = width();
        java.util.Objects.checkFromIndexSize(srcOff, width, src.length);
        java.util.Objects.checkFromIndexSize(dstOff, width, dst.length);
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double centreX = (columns - 1) / 2.0;
        double centreY = (rows - 1) / 2.0;
        // A sample point a pixel or more outside the ink's bounding box has four zero neighbours; most
        // of an MNIST-like picture samples there, so four comparisons settle it.
        int minX = columns, maxX = -1, minY = rows, maxY = -1;
        for (int y = 0; y < rows; y++) {
            int first = srcOff + y * columns;
            for (int x = 0; x < columns; x++) {
                if (src[first + x] != 0) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = y;
                }
            }
        }
        double lowX = minX - 1, highX = maxX + 1, lowY = minY - 1, highY = maxY + 1; // a blank image: nothing inside
        // The source point of output pixel (x, y) is R(-θ)·((x, y) - c - t) + c: affine in x, so one row's
        // points start at (rowX, rowY) and step by (cos, sin).
        for (int y = 0; y < rows; y++) {
            double u = -centreX - shiftX;
            double v = y - centreY - shiftY;
            double rowX = cos * u - sin * v + centreX;
            double rowY = sin * u + cos * v + centreY;
            int out = dstOff + y * columns;
            for (int x = 0; x < columns; x++) {
                double sx = rowX + x * cos;
                double sy = rowY + x * sin;
                dst[out + x] = sx > lowX && sx < highX && sy > lowY && sy < highY ? (byte) sample(src, srcOff, sx, sy) : 0;
            }
        }
    }

    /**
     * The source's bilinear value at ({@code sx}, {@code sy}), rounded to an unsigned byte, with zero
     * outside the image; the caller ensures {@code -1 < sx < columns} and {@code -1 < sy < rows}, where
     * {@code (int) (s + 1) - 1} is {@code floor(s)} without Math.floor.
     */
    private int sample(byte[] src, int srcOff, double sx, double sy) {
        int x0 = (int) (sx + 1) - 1;
        int y0 = (int) (sy + 1) - 1;
        float fx = (float) (sx - x0);
        float fy = (float) (sy - y0);
        int a, b, c, d;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < columns && y0 + 1 < rows) { // inside: the common case
            int i = srcOff + y0 * columns + x0;
            a = src[i] & 0xFF;
            b = src[i + 1] & 0xFF;
            c = src[i + columns] & 0xFF;
            d = src[i + columns + 1] & 0xFF;
        } else {
            a = pixel(src, srcOff, x0, y0);
            b = pixel(src, srcOff, x0 + 1, y0);
            c = pixel(src, srcOff, x0, y0 + 1);
            d = pixel(src, srcOff, x0 + 1, y0 + 1);
        }
        if ((a | b | c | d) == 0) return 0; // background between the strokes
        return (int) (lerp(lerp(a, b, fx), lerp(c, d, fx), fy) + 0.5f);
    }

    private int pixel(byte[] src, int srcOff, int x, int y) {
        if (x < 0 || y < 0 || x >= columns || y >= rows) return 0;
        return src[srcOff + y * columns + x] & 0xFF;
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    /** A uniform integer in {@code [-max, max]} from 64 random bits (multiply-shift; the bias is below 2^-31). */
    private static int uniformInt(long bits, int max) {
        if (max == 0) return 0;
        long span = 2L * max + 1;
        return (int) (((bits >>> 32) * span) >>> 32) - max;
    }

    /** SplitMix64's finaliser: a good 64-bit hash, so nearby (epoch, row) pairs draw unrelated values. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

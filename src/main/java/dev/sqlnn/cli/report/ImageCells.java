package dev.sqlnn.cli.report;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Grey-level images and attribution maps as PNG {@code data:} URIs, so that the page carries its pictures inside. */
final class ImageCells {

    private ImageCells() {
    }

    /**
     * A {@code side × side} image of unsigned-byte pixels as a PNG data URI, dark ink on white (MNIST
     * stores white ink on black, which reads worse on a light page).
     */
    static String pngDataUri(byte[] pixels, int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) row[x] = 255 - (pixels[y * side + x] & 0xFF);
            raster.setPixels(0, y, side, 1, row);
        }
        return dataUri(image);
    }

    /**
     * A {@code side × side} map of signed values (a digit's attributions) as a PNG data URI, on a
     * diverging scale symmetric about 0: white at 0, red for positive values (pixels that raised the
     * probability of the predicted class), blue for negative ones, full colour at the largest
     * absolute value of the map; a square-root scale, so that the many small values show too.
     */
    static String divergingDataUri(double[] values, int side) {
        double largest = 0;
        for (double v : values) largest = Math.max(largest, Math.abs(v));
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double v = values[y * side + x];
                double t = largest == 0 ? 0 : Math.copySign(Math.sqrt(Math.abs(v) / largest), v);
                image.setRGB(x, y, Integer.parseInt(Palette.diverging(t).substring(1), 16));
            }
        }
        return dataUri(image);
    }

    private static String dataUri(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}

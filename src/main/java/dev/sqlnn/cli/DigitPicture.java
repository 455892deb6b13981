package dev.sqlnn.cli;

/** Renders a grey-level image as text, two pixel rows per line so that digits keep their shape. */
final class DigitPicture {

    private static final String SHADES = " .:-=+*#%@";

    private DigitPicture() {
    }

    static String[] render(byte[] pixels, int rows, int cols) {
        String[] lines = new String[(rows + 1) / 2];
        for (int r = 0; r < rows; r += 2) {
            StringBuilder sb = new StringBuilder(cols);
            for (int c = 0; c < cols; c++) {
                int top = pixels[r * cols + c] & 0xFF;
                int bottom = r + 1 < rows ? pixels[(r + 1) * cols + c] & 0xFF : 0;
                int level = Math.max(top, bottom);
                sb.append(SHADES.charAt(level * (SHADES.length() - 1) / 255));
            }
            lines[r / 2] = sb.toString();
        }
        return lines;
    }
}

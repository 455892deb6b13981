package dev.sqlnn.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Writes IDX images and labels into a table {@code (ID INT PRIMARY KEY, IMAGE VARBINARY, LABEL INT)}:
 * one row per image, pixels as unsigned bytes, inserted in batches.
 */
public final class IdxTable {

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}(\\.[A-Za-z_][A-Za-z0-9_]{0,127})?");
    private static final int BATCH = 500;

    private IdxTable() {
    }

    /**
     * Creates {@code table} (replacing one of that name) and fills it; returns the rows written.
     * The table name is checked to be a plain identifier, since it is part of the SQL text.
     */
    public static int write(Connection connection, String table, IdxReader.Images images, byte[] labels)
            throws SQLException {
        if (!TABLE.matcher(table).matches()) {
            throw new DataException("table name must be a plain identifier such as DIGITS or MYSCHEMA.DIGITS; got '"
                    + table + "'");
        }
        if (labels.length != images.count()) {
            throw new DataException(images.count() + " images but " + labels.length + " labels; the files must match");
        }
        int width = images.pixelsPerImage();
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (ID INT PRIMARY KEY, IMAGE VARBINARY(" + width + ") NOT NULL, LABEL INT NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (ID, IMAGE, LABEL) VALUES (?, ?, ?)")) {
            byte[] pixels = images.pixels();
            for (int i = 0; i < images.count(); i++) {
                insert.setInt(1, i + 1);
                insert.setBytes(2, java.util.Arrays.copyOfRange(pixels, i * width, (i + 1) * width));
                insert.setInt(3, labels[i] & 0xFF);
                insert.addBatch();
                if ((i + 1) % BATCH == 0) insert.executeBatch();
            }
            insert.executeBatch();
        }
        return images.count();
    }
}

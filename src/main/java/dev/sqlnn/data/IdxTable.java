package dev.sqlnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes IDX images, and optionally their labels, into a table {@code (ID INT PRIMARY KEY, IMAGE
 * VARBINARY(rows × columns) NOT NULL, LABEL INT NOT NULL)} ({@code BYTEA} on PostgreSQL): one row per image, numbered from 1 in file
 * order, pixels as unsigned bytes, labels as integers 0 to 255; without labels the table has no
 * {@code LABEL} column. Rows are inserted in batches on the caller's connection, with the caller's
 * rights.
 *
 * <p>{@link #importFiles} is the entry point for files (the SQL function {@code ML_IMPORT_IDX} and the
 * command line's {@code sqlnn import}); {@link #write} takes images already read.
 */
public final class IdxTable {

    private static final int BATCH = 500;

    private IdxTable() {
    }

    /**
     * Reads an IDX image file and, unless {@code labels} is null, its label file (each gzipped or
     * not), then creates {@code table} and fills it; returns the rows written. Both files are read
     * completely before the table is touched, so a bad file writes nothing.
     *
     * @param table   a plain identifier such as {@code DIGITS} or {@code MYSCHEMA.DIGITS}
     * @param images  an {@code idx3-ubyte} file
     * @param labels  an {@code idx1-ubyte} file with one label per image, or null for a table without labels
     * @param replace whether an existing table of that name is dropped; if false, it is refused
     * @throws IOException           a file is missing or unreadable (the message names it)
     * @throws DataException         a bad table name, a file that is not IDX, truncated, or of another count
     * @throws TableExistsException  the table exists and {@code replace} is false
     * @throws SQLException          the database refused the table or its rows
     */
    public static int importFiles(Connection connection, String table, Path images, Path labels, boolean replace)
            throws IOException, SQLException {
        ImportTarget.checkName(table);
        ImportTarget.checkAbsent(connection, table, replace);
        IdxReader.Images read = readImages(images);
        byte[] readLabels = labels == null ? null : readLabels(labels);
        return write(connection, table, read, readLabels, replace);
    }

    /**
     * Creates {@code table}, replacing one of that name, and fills it with images and labels already
     * read (the bundled digits of the demo and the benchmark); returns the rows written.
     */
    public static int write(Connection connection, String table, IdxReader.Images images, byte[] labels)
            throws SQLException {
        return write(connection, table, images, labels, true);
    }

    /**
     * Creates {@code table} and fills it; returns the rows written.
     *
     * @param labels  one label per image, or null for a table without a {@code LABEL} column
     * @param replace whether an existing table of that name is dropped; if false, it is refused
     */
    public static int write(Connection connection, String table, IdxReader.Images images, byte[] labels,
                            boolean replace) throws SQLException {
        ImportTarget.checkName(table);
        if (labels != null && labels.length != images.count()) {
            throw new DataException(images.count() + " images but " + labels.length + " labels; the files must match");
        }
        ImportTarget.checkAbsent(connection, table, replace);
        int width = images.pixelsPerImage();
        // PostgreSQL has no VARBINARY: its byte strings are BYTEA, without a length.
        String binary = "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())
                ? "BYTEA" : "VARBINARY(" + width + ")";
        ImportTarget.create(connection, table, replace, "CREATE TABLE " + table + " (ID INT PRIMARY KEY, IMAGE " + binary
                + " NOT NULL" + (labels == null ? "" : ", LABEL INT NOT NULL") + ")");
        try {
            insert(connection, table, images, labels);
        } catch (SQLException | RuntimeException e) {
            ImportTarget.dropAfterFailure(connection, table, e);
            throw e;
        }
        return images.count();
    }

    private static void insert(Connection connection, String table, IdxReader.Images images, byte[] labels)
            throws SQLException {
        String sql = labels == null ? "INSERT INTO " + table + " (ID, IMAGE) VALUES (?, ?)"
                : "INSERT INTO " + table + " (ID, IMAGE, LABEL) VALUES (?, ?, ?)";
        int width = images.pixelsPerImage();
        byte[] pixels = images.pixels();
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < images.count(); i++) {
                insert.setInt(1, i + 1);
                // a fresh array per row: a driver may keep the one it is given until the batch runs
                insert.setBytes(2, java.util.Arrays.copyOfRange(pixels, i * width, (i + 1) * width));
                if (labels != null) insert.setInt(3, labels[i] & 0xFF);
                insert.addBatch();
                if ((i + 1) % BATCH == 0) insert.executeBatch();
            }
            insert.executeBatch();
        }
    }

    private static IdxReader.Images readImages(Path path) throws IOException {
        InputStream in = ImportFiles.open(path, "images");
        try (in) {
            return IdxReader.readImages(in);
        } catch (IllegalArgumentException e) {
            throw new DataException("the images file " + path.toAbsolutePath() + " is not usable: " + e.getMessage());
        } catch (IOException e) {
            throw ImportFiles.readFailure(path, "images", e);
        }
    }

    private static byte[] readLabels(Path path) throws IOException {
        InputStream in = ImportFiles.open(path, "labels");
        try (in) {
            return IdxReader.readLabels(in);
        } catch (IllegalArgumentException e) {
            throw new DataException("the labels file " + path.toAbsolutePath() + " is not usable: " + e.getMessage());
        } catch (IOException e) {
            throw ImportFiles.readFailure(path, "labels", e);
        }
    }
}

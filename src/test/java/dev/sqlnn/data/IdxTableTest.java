package dev.sqlnn.data;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The IDX import's Java API (what the command line calls), on a plain in-memory H2 database. */
class IdxTableTest {

    @TempDir
    Path dir;
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:idx-" + UUID.randomUUID());
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private Path idx(String name, int magic, int[] dimensions, byte[] data) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(magic);
            for (int d : dimensions) out.writeInt(d);
            out.write(data);
        }
        return file;
    }

    private long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void importsImagesAndLabelsIntoANewTable() throws IOException, SQLException {
        Path images = idx("i.idx3", 0x803, new int[] {2, 1, 3}, new byte[] {1, 2, 3, (byte) 250, 5, 6});
        Path labels = idx("l.idx1", 0x801, new int[] {2}, new byte[] {9, (byte) 128});
        assertEquals(2, IdxTable.importFiles(connection, "pictures", images, labels, false));
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, image, label FROM pictures ORDER BY id")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
            assertArrayEquals(new byte[] {1, 2, 3}, rs.getBytes(2));
            assertEquals(9, rs.getInt(3));
            rs.next();
            assertArrayEquals(new byte[] {(byte) 250, 5, 6}, rs.getBytes(2));
            assertEquals(128, rs.getInt(3), "labels are unsigned");
        }
        assertThrows(TableExistsException.class, () -> IdxTable.importFiles(connection, "PICTURES", images, null, false));
        assertEquals(2, IdxTable.importFiles(connection, "PICTURES", images, null, true));
        assertEquals(0, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'PICTURES'"
                + " AND COLUMN_NAME = 'LABEL'"));
    }

    @Test
    void fileProblemsSayWhichFileOnce() throws IOException {
        Path missing = dir.resolve("missing.idx3");
        IOException e = assertThrows(IOException.class,
                () -> IdxTable.importFiles(connection, "T", missing, null, false));
        assertEquals("the images file " + missing.toAbsolutePath() + " does not exist", e.getMessage());
        Path images = idx("i.idx3", 0x803, new int[] {1, 1, 1}, new byte[] {1});
        e = assertThrows(IOException.class, () -> IdxTable.importFiles(connection, "T", images, dir, false));
        assertEquals("the labels file " + dir.toAbsolutePath() + " is a directory, not a file", e.getMessage());
        DataException bad = assertThrows(DataException.class,
                () -> IdxTable.importFiles(connection, "T", images, images, false));
        assertEquals("the labels file " + images.toAbsolutePath() + " is not usable: not an IDX label file: magic"
                + " 0x00000803 (an image file?); expected 0x00000801", bad.getMessage());
    }

    @Test
    void theDemosWriteStillReplaces() throws SQLException {
        IdxReader.Images images = new IdxReader.Images(1, 1, 2, new byte[] {7, 8});
        assertEquals(1, IdxTable.write(connection, "DIGITS", images, new byte[] {3}));
        assertEquals(1, IdxTable.write(connection, "DIGITS", images, new byte[] {4}));
        assertEquals(4, count("SELECT label FROM digits"));
        assertThrows(DataException.class, () -> IdxTable.write(connection, "DIGITS", images, new byte[] {1, 2}));
        assertEquals(4, count("SELECT label FROM digits"), "a mismatch is refused before the table is touched");
    }
}

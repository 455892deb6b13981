package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ML_IMPORT_IDX} and {@code ML_IMPORT_CSV} through SQL: files on the "server" (a temporary directory). */
class ImportSqlTest extends SqlTestSupport {

    private static final String RESOURCES = "/dev/sqlnn/data/";

    @TempDir
    Path dir;

    /** Copies a bundled file into the temporary directory, gunzipping it unless {@code gzipped}. */
    private Path bundled(String name, boolean gzipped) throws IOException {
        Path target = dir.resolve(gzipped ? name : name.replace(".gz", ""));
        try (InputStream raw = IdxReader.class.getResourceAsStream(RESOURCES + name);
             InputStream in = gzipped ? raw : new GZIPInputStream(raw)) {
            Files.copy(in, target);
        }
        return target;
    }

    /** A small IDX file written here: {@code magic}, the dimensions, then the bytes; gzipped if asked. */
    private Path idx(String name, int magic, int[] dimensions, byte[] data, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream maybeGzip = gzip ? new GZIPOutputStream(raw) : raw;
             DataOutputStream out = new DataOutputStream(maybeGzip)) {
            out.writeInt(magic);
            for (int d : dimensions) out.writeInt(d);
            out.write(data);
        }
        return file;
    }

    private int importIdx(String table, Path images, Path labels) throws SQLException {
        return (Integer) value("SELECT ML_IMPORT_IDX(?, ?, ?)", table, images.toString(),
                labels == null ? null : labels.toString());
    }

    private static String sqlPath(Path file) {
        return quote(file.toString());
    }

    // ---------------------------------------------------------------- IDX

    @Test
    void importsTheBundledTrainingDigitsGzipped() throws IOException, SQLException {
        Path images = bundled("mnist10k-train-images-idx3-ubyte.gz", true);
        Path labels = bundled("mnist10k-train-labels-idx1-ubyte.gz", true);
        assertEquals(8000, importIdx("DIGITS", images, labels));

        assertEquals(List.of("INTEGER", "BINARY VARYING", "INTEGER"), columnTypes("SELECT * FROM digits"));
        assertEquals(List.of("ID", "IMAGE", "LABEL"), columnNames("SELECT * FROM digits"));
        assertEquals(8000, count("SELECT COUNT(*) FROM digits WHERE OCTET_LENGTH(image) = 784"));
        assertEquals(10, count("SELECT COUNT(DISTINCT label) FROM digits"));
        IdxReader.Digits expected = IdxReader.bundledDigits(true);
        Object[] last = rows("SELECT image, label FROM digits WHERE id = 8000").get(0);
        assertArrayEquals(Arrays.copyOfRange(expected.images().pixels(), 7999 * 784, 8000 * 784), (byte[]) last[0]);
        assertEquals(expected.labels()[7999] & 0xFF, last[1]);
    }

    @Test
    void importsTheBundledTestDigitsUncompressedAndTrainsOnThem() throws IOException, SQLException {
        Path images = bundled("mnist10k-test-images-idx3-ubyte.gz", false);
        Path labels = bundled("mnist10k-test-labels-idx1-ubyte.gz", false);
        assertEquals(2000, count("CALL ML_IMPORT_IDX('DIGITS_TEST', " + sqlPath(images) + ", " + sqlPath(labels) + ")"));
        assertEquals(1L, train("d", "SELECT image, label FROM digits_test", "{\"hidden\":[32],\"epochs\":2}"));
    }

    @Test
    void withoutLabelsTheTableHasNoLabelColumn() throws IOException, SQLException {
        byte[] pixels = {1, 2, 3, 4, 5, 6, (byte) 255, 0, 9, 8, 7, 6};
        Path images = idx("three.idx3", 0x803, new int[] {3, 2, 2}, pixels, false);
        assertEquals(3, importIdx("UNLABELLED", images, null));
        assertEquals(List.of("ID", "IMAGE"), columnNames("SELECT * FROM unlabelled"));
        assertArrayEquals(new byte[] {5, 6, (byte) 255, 0}, (byte[]) value("SELECT image FROM unlabelled WHERE id = 2"));
        assertEquals(List.of("BINARY VARYING"), columnTypes("SELECT image FROM unlabelled"));
    }

    @Test
    void smallGzippedFilesWrittenHereImportToo() throws IOException, SQLException {
        Path images = idx("two.idx3.gz", 0x803, new int[] {2, 1, 3}, new byte[] {1, 2, 3, 4, 5, 6}, true);
        Path labels = idx("two.idx1.gz", 0x801, new int[] {2}, new byte[] {(byte) 200, 7}, true);
        assertEquals(2, importIdx("SCHEMA_TEST", images, labels));
        assertEquals(List.of(200, 7), rows("SELECT label FROM schema_test ORDER BY id").stream().map(r -> r[0]).toList());
    }

    @Test
    void anExistingTableIsRefusedUnlessReplaceIsTrue() throws IOException, SQLException {
        Path images = idx("one.idx3", 0x803, new int[] {1, 1, 2}, new byte[] {1, 2}, false);
        execute("CREATE TABLE digits (keep INT)");
        execute("INSERT INTO digits VALUES (42)");
        String call = "SELECT ML_IMPORT_IDX('DIGITS', " + sqlPath(images) + ", NULL";
        assertFails("42S01", "ML_IMPORT_IDX", call + ")", "table DIGITS already exists", "replace");
        assertFails("42S01", "ML_IMPORT_IDX", call + ", FALSE)", "already exists");
        assertFails("42S01", "ML_IMPORT_IDX", call + ", NULL)", "already exists");
        assertEquals(42, value("SELECT keep FROM digits"));
        assertEquals(1, value(call + ", TRUE)"));
        assertEquals(List.of("ID", "IMAGE"), columnNames("SELECT * FROM digits"));
    }

    @Test
    void badFilesAreRefusedWithTheirNameAndWriteNothing() throws IOException, SQLException {
        Path images = idx("one.idx3", 0x803, new int[] {1, 1, 2}, new byte[] {1, 2}, false);
        Path labels = idx("one.idx1", 0x801, new int[] {1}, new byte[] {3}, false);
        Path twoLabels = idx("two.idx1", 0x801, new int[] {2}, new byte[] {3, 4}, false);
        Path truncated = idx("cut.idx3", 0x803, new int[] {5, 28, 28}, new byte[100], false);
        Path missing = dir.resolve("missing.idx3");
        String labelsPath = sqlPath(labels);

        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', " + sqlPath(missing) + ", " + labelsPath + ")",
                "the images file " + missing.toAbsolutePath() + " does not exist");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', " + labelsPath + ", " + labelsPath + ")",
                "the images file " + labels.toAbsolutePath(), "not an IDX image file", "(a label file?)");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', " + sqlPath(truncated) + ", NULL)",
                "cut.idx3", "truncated");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', " + sqlPath(images) + ", " + sqlPath(twoLabels) + ")",
                "1 images but 2 labels");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', " + sqlPath(dir) + ", NULL)", "is a directory");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', NULL, NULL)", "images_path is NULL");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX('T', '', NULL)", "images_path is empty");
        assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX(NULL, " + sqlPath(images) + ", NULL)",
                "table name must be a plain identifier", "got NULL");
        assertEquals(0, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'T'"));
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void importsACsvWithTypedColumnsAndTheHeadersNames() throws IOException, SQLException {
        Path file = dir.resolve("people.csv");
        Files.writeString(file, """
                Name,Age,Height m,Income,City
                Ada,36,1.65,3000000000,"London, UK"
                Bob,,1.80,12,
                "Chloé ""C\"\"",41,2,-1,Paris
                """);
        assertEquals(3, value("SELECT ML_IMPORT_CSV('PEOPLE', " + sqlPath(file) + ")"));
        assertEquals(List.of("Name", "Age", "Height m", "Income", "City"), columnNames("SELECT * FROM people"));
        assertEquals(List.of("CHARACTER VARYING", "INTEGER", "DOUBLE PRECISION", "BIGINT", "CHARACTER VARYING"),
                columnTypes("SELECT * FROM people"));
        Object[] bob = rows("SELECT \"Age\", \"Height m\", \"City\" FROM people WHERE \"Name\" = 'Bob'").get(0);
        assertEquals(Arrays.asList(null, 1.8, null), Arrays.asList(bob));
        assertEquals("London, UK", value("SELECT \"City\" FROM people WHERE \"Age\" = 36"));
        assertEquals("Chloé \"C\"", value("SELECT \"Name\" FROM people WHERE \"Income\" < 0"));
        assertEquals(77L, count("SELECT SUM(\"Age\") FROM people"));

        assertFails("42S01", "ML_IMPORT_CSV", "SELECT ML_IMPORT_CSV('PEOPLE', " + sqlPath(file) + ")", "already exists");
        assertEquals(3, value("SELECT ML_IMPORT_CSV('PEOPLE', " + sqlPath(file) + ", TRUE)"));
    }

    @Test
    void aCsvImportedInSqlTrainsAModel() throws IOException, SQLException {
        StringBuilder text = new StringBuilder("a,b,class\n");
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 300; i++) {
            int y = i % 3;
            text.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", CENTRES[y][0] + 0.5 * random.nextGaussian(),
                    CENTRES[y][1] + 0.5 * random.nextGaussian(), CLASS_NAMES[y]));
        }
        Path file = dir.resolve("blobs.csv");
        Files.writeString(file, text);
        assertEquals(300, value("SELECT ML_IMPORT_CSV('BLOBS', " + sqlPath(file) + ")"));
        assertEquals(1L, train("blobs", "SELECT \"a\", \"b\", \"class\" FROM blobs", QUICK));
        assertEquals("north", value("SELECT PREDICT_LABEL('blobs', ARRAY[0, 3])"));
    }

    @Test
    void csvFileErrorsAre22023AndNameTheFile() throws IOException, SQLException {
        Path missing = dir.resolve("nope.csv");
        assertFails("22023", "ML_IMPORT_CSV", "SELECT ML_IMPORT_CSV('T', " + sqlPath(missing) + ")",
                "the CSV file " + missing.toAbsolutePath() + " does not exist");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertFails("22023", "ML_IMPORT_CSV", "SELECT ML_IMPORT_CSV('T', " + sqlPath(empty) + ")", "is empty");
        assertFails("22023", "ML_IMPORT_CSV", "SELECT ML_IMPORT_CSV('T', NULL)", "csv_path is NULL");
        assertEquals(0, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'T'"));
    }

    // ---------------------------------------------------------------- security

    @Test
    void onlyAnAdminMayReadServerFiles() throws IOException, SQLException {
        Path file = Files.writeString(dir.resolve("secret.csv"), "a\n1\n");
        Path images = idx("one.idx3", 0x803, new int[] {1, 1, 2}, new byte[] {1, 2}, false);
        execute("CREATE USER bob PASSWORD 'pw'");
        execute("GRANT ALTER ANY SCHEMA TO bob"); // bob may create tables: only the file access is refused
        try (Connection bob = DriverManager.getConnection(url, "BOB", "pw")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT ML_IMPORT_CSV('STOLEN', " + sqlPath(file) + ")"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().startsWith("ML_IMPORT_CSV: reading files on the database server needs admin rights"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("user BOB is not an admin"), e.getMessage());
            e = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT ML_IMPORT_IDX('STOLEN', " + sqlPath(images) + ", NULL, TRUE)"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().startsWith("ML_IMPORT_IDX: "), e.getMessage());
            // H2 refuses its own file function to bob in the same way.
            assertThrows(SQLException.class, () -> rows(bob, "SELECT * FROM CSVREAD(" + sqlPath(file) + ")"));
        }
        assertEquals(0, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'STOLEN'"));
        execute("ALTER USER bob ADMIN TRUE");
        try (Connection bob = DriverManager.getConnection(url, "BOB", "pw")) {
            assertEquals(List.of(1), rows(bob, "SELECT ML_IMPORT_CSV('GIVEN', " + sqlPath(file) + ")").stream()
                    .map(r -> r[0]).toList());
        }
    }

    @Test
    void injectionThroughTheTableNameIsRefused() throws IOException, SQLException {
        Path file = Files.writeString(dir.resolve("a.csv"), "a\n1\n");
        Path images = idx("one.idx3", 0x803, new int[] {1, 1, 2}, new byte[] {1, 2}, false);
        execute("CREATE TABLE victim (x INT)");
        for (String table : List.of("t; DROP TABLE victim", "victim; --", "t AS SELECT * FROM victim", "\"victim\"",
                "t(x INT); DROP TABLE victim; CREATE TABLE u", "SQLNN.MODELS WHERE 1=1", "x'", "")) {
            assertFails("22023", "ML_IMPORT_CSV", "SELECT ML_IMPORT_CSV(" + quote(table) + ", " + sqlPath(file) + ", TRUE)",
                    "table name must be a plain identifier");
            assertFails("22023", "ML_IMPORT_IDX", "SELECT ML_IMPORT_IDX(" + quote(table) + ", " + sqlPath(images) + ", NULL, TRUE)",
                    "table name must be a plain identifier");
        }
        assertEquals(0, count("SELECT COUNT(*) FROM victim"));
        assertEquals(1, count("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'VICTIM'"));
    }

    // ---------------------------------------------------------------- augmentation

    @Test
    void trainsWithAugmentationThroughSql() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        dev.sqlnn.data.IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        String options = "{\"hidden\":[64],\"epochs\":3,\"learning_rate\":0.003,\"augment\":{\"shift\":2,\"rotate\":10}}";
        assertEquals(1L, train("augmented", "SELECT image, label FROM digits WHERE id <= 3000", options));
        String stored = (String) value("SELECT CAST(OPTIONS AS VARCHAR) FROM SQLNN.MODELS WHERE NAME = 'augmented'");
        assertTrue(stored.contains("\"augment\":{\"shift\":2,\"rotate\":10.0}"), stored);
        double accuracy = ((Number) value("SELECT AVG(CASE WHEN PREDICT('augmented', image) = label THEN 1.0 ELSE 0 END)"
                + " FROM digits WHERE id > 7000")).doubleValue();
        assertTrue(accuracy > 0.8, () -> "accuracy on unseen digits " + accuracy);
        assertEquals(3L, count("SELECT COUNT(*) FROM ML_TRAINING_INFO('augmented')"));

        // the same data and options again: the same model, bit for bit, though every epoch drew new transforms
        assertEquals(2L, train("augmented", "SELECT image, label FROM digits WHERE id <= 3000", options));
        List<Object[]> weights = rows("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'augmented' ORDER BY VERSION");
        assertArrayEquals((byte[]) weights.get(0)[0], (byte[]) weights.get(1)[0]);
    }

    /**
     * Augmentation changes what training sees: two classes of 7×7 images told apart only by the column
     * of their one lit pixel, 2 and 4. Trained on the rows as they are, a network tells them apart.
     * Shifted by up to 2 pixels, each class's pixel lands on the other's column as often as on its own,
     * so a network trained on the shifted rows can only toss a coin on the rows as stored (which
     * prediction sees unchanged); the same training without 'augment' gives the same data a clear answer.
     */
    @Test
    void augmentationShiftsTheRowsThatTrainingSees() throws SQLException {
        execute("CREATE TABLE dots (ID INT PRIMARY KEY, IMAGE VARBINARY(49), Y INT)");
        try (var insert = connection.prepareStatement("INSERT INTO dots VALUES (?, ?, ?)")) {
            for (int i = 0; i < 200; i++) {
                insert.setInt(1, i);
                insert.setBytes(2, dot(i % 2));
                insert.setInt(3, i % 2);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        String plain = "{\"hidden\":[16],\"epochs\":30,\"learning_rate\":0.01,\"validation_fraction\":0}";
        String shifted = plain.replace("}", ",\"augment\":{\"shift\":2}}");
        train("plain", "SELECT image, y FROM dots", plain);
        train("shifted", "SELECT image, y FROM dots", shifted);
        for (int label = 0; label < 2; label++) {
            double unchanged = probabilityOfItsClass("plain", label);
            double augmented = probabilityOfItsClass("shifted", label);
            assertTrue(unchanged > 0.9, "trained on the rows as stored, class " + label + " gets " + unchanged);
            assertTrue(augmented > 0.2 && augmented < 0.8,
                    "trained on shifted rows, class " + label + " gets " + augmented + ", not about one half");
        }
    }

    /** A 7×7 image, black but for one white pixel in the middle row, at column 2 (class 0) or 4 (class 1). */
    private static byte[] dot(int label) {
        byte[] image = new byte[49];
        image[3 * 7 + 2 + 2 * label] = (byte) 255;
        return image;
    }

    /** What {@code model} gives class {@code label} on that class's image. */
    private double probabilityOfItsClass(String model, int label) throws SQLException {
        Object[] probabilities = (Object[]) value("SELECT PREDICT_PROBA(?, ?)", model, dot(label));
        return ((Number) probabilities[label]).doubleValue();
    }

    @Test
    void augmentationNeedsImagesOfAKnownShape() throws SQLException {
        createBlobs("blobs", 30, 1);
        assertTrainingFails("22023", "SELECT a, b, y FROM blobs", "{\"augment\":{\"shift\":1}}",
                "option 'augment' shifts and rotates images", "VARBINARY");
        assertTrainingFails("22023", "SELECT pixels, y FROM blobs", "{\"augment\":{\"shift\":1}}",
                "option 'augment' needs 'image_shape'", "2 pixels, which is not a square");
        assertTrainingFails("22023", "SELECT pixels, y FROM blobs", "{\"augment\":{\"shift\":1},\"image_shape\":[2,2]}",
                "option 'image_shape' [2, 2] has 4 pixels, but the features have 2 per row");
        assertEquals(1L, train("tiny", "SELECT pixels, y FROM blobs",
                "{\"hidden\":[4],\"epochs\":1,\"augment\":{\"shift\":1,\"rotate\":5},\"image_shape\":[1,2]}"));
    }
}

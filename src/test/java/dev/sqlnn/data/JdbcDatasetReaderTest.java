package dev.sqlnn.data;

import dev.sqlnn.data.Task;
import org.h2.tools.SimpleResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcDatasetReaderTest {

    private Connection connection;

    @BeforeEach
    void openDatabase() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:"); // private to this connection
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        connection.close();
    }

    private void execute(String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) statement.execute(sql);
        }
    }

    private Dataset read(String query, String label, Task task) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            return JdbcDatasetReader.read(rs, label, task);
        }
    }

    private Dataset read(String query) throws SQLException {
        return read(query, null, null);
    }

    /** Reads a query that must fail, checks that the message holds each fragment, and returns it. */
    private String failureWith(String query, String label, Task task, String... fragments) {
        DataException failure = assertThrows(DataException.class, () -> read(query, label, task));
        for (String fragment : fragments) {
            assertTrue(failure.getMessage().contains(fragment), () -> "'" + fragment + "' missing from: " + failure.getMessage());
        }
        return failure.getMessage();
    }

    private String failure(String query, String... fragments) {
        return failureWith(query, null, null, fragments);
    }

    // ---- feature forms

    @Test
    void varbinaryFeaturesStayUnsignedBytes() throws SQLException {
        execute("CREATE TABLE digits(image VARBINARY, label INTEGER)",
                "INSERT INTO digits VALUES (X'00ff80', 7), (X'010203', 3)");
        Dataset digits = read("SELECT image, label FROM digits");
        assertEquals(FeatureKind.BYTES, digits.kind());
        assertEquals(3, digits.width());
        assertEquals(2, digits.rows());
        assertEquals(List.of("IMAGE"), digits.featureNames());
        assertArrayEquals(new byte[] {0, (byte) 0xff, (byte) 0x80, 1, 2, 3}, digits.byteFeatures());
        assertNull(digits.numericFeatures());
        float[] out = new float[3];
        digits.scaledRows(Preprocessing.bytes(3), new int[] {0}, 0, 1, out);
        assertArrayEquals(new float[] {0, 1, 128 / 255f}, out, 1e-7f);
    }

    @Test
    void binaryAndBlobColumnsAreBytesToo() throws SQLException {
        execute("CREATE TABLE t(fixed BINARY(2), large BLOB, label INTEGER)",
                "INSERT INTO t VALUES (X'0102', X'fefd', 0), (X'0304', X'fcfb', 1)");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, read("SELECT fixed, label FROM t").byteFeatures());
        assertArrayEquals(new byte[] {(byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb},
                read("SELECT large, label FROM t").byteFeatures());
    }

    @Test
    void arrayFeaturesOfEveryNumericElementType() throws SQLException {
        execute("CREATE TABLE t(r REAL ARRAY, d DOUBLE PRECISION ARRAY, i INTEGER ARRAY, b BIGINT ARRAY,"
                        + " n NUMERIC(6, 2) ARRAY, label INTEGER)",
                "INSERT INTO t VALUES (ARRAY[1.5, -2], ARRAY[0.25, 1e10], ARRAY[3, -4], ARRAY[5, 6], ARRAY[7.25, 8.5], 0),"
                        + " (ARRAY[0, 1], ARRAY[2, 3], ARRAY[4, 5], ARRAY[6, 7], ARRAY[8, 9], 1)");
        assertArrayEquals(new float[] {1.5f, -2, 0, 1}, read("SELECT r, label FROM t").numericFeatures());
        assertArrayEquals(new float[] {0.25f, 1e10f, 2, 3}, read("SELECT d, label FROM t").numericFeatures());
        assertArrayEquals(new float[] {3, -4, 4, 5}, read("SELECT i, label FROM t").numericFeatures());
        assertArrayEquals(new float[] {5, 6, 6, 7}, read("SELECT b, label FROM t").numericFeatures());
        Dataset decimals = read("SELECT n, label FROM t");
        assertArrayEquals(new float[] {7.25f, 8.5f, 8, 9}, decimals.numericFeatures());
        assertEquals(FeatureKind.NUMERIC, decimals.kind());
        assertEquals(2, decimals.width());
        assertEquals(List.of("N"), decimals.featureNames());
        assertNull(decimals.byteFeatures());
    }

    @Test
    void plainNumericColumnsOfEveryTypeAreOneFeatureEach() throws SQLException {
        execute("CREATE TABLE t(a TINYINT, b SMALLINT, c INTEGER, d BIGINT, e REAL, f DOUBLE PRECISION,"
                        + " g FLOAT, h DECIMAL(8, 3), i NUMERIC(5), label INTEGER)",
                "INSERT INTO t VALUES (1, 2, 3, 4, 5.5, 6.25, 7.75, 8.125, 9, 0), (-1, -2, -3, -4, -5, -6, -7, -8.5, -9, 1)");
        Dataset dataset = read("SELECT a, b, c, d, e, f, g, h, i, label FROM t");
        assertEquals(FeatureKind.NUMERIC, dataset.kind());
        assertEquals(9, dataset.width());
        assertEquals(List.of("A", "B", "C", "D", "E", "F", "G", "H", "I"), dataset.featureNames());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5.5f, 6.25f, 7.75f, 8.125f, 9, -1, -2, -3, -4, -5, -6, -7, -8.5f, -9},
                dataset.numericFeatures());
    }

    @Test
    void labelOptionPicksAMiddleColumnAndIgnoresCase() throws SQLException {
        execute("CREATE TABLE t(age INTEGER, species VARCHAR, height REAL)",
                "INSERT INTO t VALUES (1, 'cat', 0.5), (2, 'dog', 1.5)");
        Dataset dataset = read("SELECT age, species, height FROM t", "species", null);
        assertEquals(List.of("AGE", "HEIGHT"), dataset.featureNames());
        assertArrayEquals(new float[] {1, 0.5f, 2, 1.5f}, dataset.numericFeatures());
        assertEquals(List.of("cat", "dog"), dataset.classes());
        assertEquals(1, dataset.classIndex(1));
    }

    @Test
    void aQuotedLabelNameMatchesExactlyBeforeIgnoringCase() throws SQLException {
        Dataset dataset = read("SELECT 1.5 AS x, 0 AS \"y\", 1 AS Y UNION ALL SELECT 2.5, 1, 0", "y", null);
        assertEquals(List.of("X", "Y"), dataset.featureNames());
        assertEquals(List.of("0", "1"), dataset.classes());
        assertEquals(0, dataset.classIndex(0));
    }

    // ---- labels

    @Test
    void integerClassesAreSortedNumerically() throws SQLException {
        execute("CREATE TABLE t(x REAL, label INTEGER)", "INSERT INTO t VALUES (0, 2), (1, 10), (2, 1), (3, 2)");
        Dataset dataset = read("SELECT x, label FROM t ORDER BY x");
        assertEquals(Task.CLASSIFICATION, dataset.task());
        assertEquals(LabelKind.INTEGER, dataset.labelKind());
        assertEquals(List.of("1", "2", "10"), dataset.classes());
        assertArrayEquals(new int[] {1, 2, 0, 1}, classIndices(dataset));
    }

    @Test
    void negativeBigintAndWholeDecimalLabelsAreIntegerClasses() throws SQLException {
        execute("CREATE TABLE t(x REAL, big BIGINT, whole DECIMAL(20, 0))",
                "INSERT INTO t VALUES (0, -5, 12345678901234), (1, 9000000000, -3), (2, -5, -3)");
        Dataset big = read("SELECT x, big FROM t ORDER BY x");
        assertEquals(List.of("-5", "9000000000"), big.classes());
        assertArrayEquals(new int[] {0, 1, 0}, classIndices(big));
        Dataset whole = read("SELECT x, whole FROM t ORDER BY x");
        assertEquals(LabelKind.INTEGER, whole.labelKind());
        assertEquals(List.of("-3", "12345678901234"), whole.classes());
    }

    @Test
    void textClassesAreSortedInStringOrder() throws SQLException {
        execute("CREATE TABLE t(x REAL, label VARCHAR)", "INSERT INTO t VALUES (0, 'b'), (1, 'a'), (2, 'C'), (3, 'b')");
        Dataset dataset = read("SELECT x, label FROM t ORDER BY x");
        assertEquals(LabelKind.TEXT, dataset.labelKind());
        assertEquals(List.of("C", "a", "b"), dataset.classes());
        assertArrayEquals(new int[] {2, 1, 0, 2}, classIndices(dataset));
    }

    @Test
    void floatingLabelsMeanRegression() throws SQLException {
        execute("CREATE TABLE t(x REAL, d DOUBLE PRECISION, r REAL, m DECIMAL(6, 2), f DECFLOAT)",
                "INSERT INTO t VALUES (0, 1.5, 2.5, 3.25, 1), (1, -1, 4, 5.5, 2)");
        for (String label : List.of("D", "R", "M", "F")) {
            Dataset dataset = read("SELECT x, " + label + " FROM t ORDER BY x");
            assertEquals(Task.REGRESSION, dataset.task(), label);
            assertEquals(LabelKind.FLOAT, dataset.labelKind(), label);
            assertEquals(List.of(), dataset.classes());
        }
        Dataset dataset = read("SELECT x, m FROM t ORDER BY x");
        assertEquals(3.25f, dataset.target(0));
        assertEquals(5.5f, dataset.target(1));
    }

    @Test
    void regressionOnIntegerLabelsUsesTheNumbers() throws SQLException {
        execute("CREATE TABLE t(x REAL, label INTEGER)", "INSERT INTO t VALUES (0, 2), (1, 10)");
        Dataset dataset = read("SELECT x, label FROM t ORDER BY x", null, Task.REGRESSION);
        assertEquals(Task.REGRESSION, dataset.task());
        assertEquals(LabelKind.FLOAT, dataset.labelKind());
        assertEquals(2f, dataset.target(0));
        assertEquals(10f, dataset.target(1));
    }

    @Test
    void classificationOnWholeFloatingLabelsMakesIntegerClasses() throws SQLException {
        execute("CREATE TABLE t(x REAL, label DOUBLE PRECISION)", "INSERT INTO t VALUES (0, 2.0), (1, -0.0), (2, 10)");
        Dataset dataset = read("SELECT x, label FROM t ORDER BY x", null, Task.CLASSIFICATION);
        assertEquals(LabelKind.INTEGER, dataset.labelKind());
        assertEquals(List.of("0", "2", "10"), dataset.classes());
        assertArrayEquals(new int[] {1, 0, 2}, classIndices(dataset));
    }

    private static int[] classIndices(Dataset dataset) {
        int[] indices = new int[dataset.rows()];
        for (int row = 0; row < indices.length; row++) indices[row] = dataset.classIndex(row);
        return indices;
    }

    // ---- errors

    @Test
    void noRows() throws SQLException {
        execute("CREATE TABLE t(x REAL, label INTEGER)");
        failure("SELECT x, label FROM t", "the training query returned no rows");
    }

    @Test
    void labelColumnNotFoundListsTheColumns() {
        failureWith("SELECT 1 AS a, 2 AS b", "lbl", null, "'lbl' is not in the training query", "A, B", "\"label\"");
    }

    @Test
    void noFeatureColumns() {
        failure("SELECT 1 AS label", "only the label column LABEL", "feature columns");
    }

    @Test
    void rowsOfDifferentWidths() throws SQLException {
        execute("CREATE TABLE t(id INTEGER, image VARBINARY, pixels INTEGER ARRAY, label INTEGER)",
                "INSERT INTO t VALUES (1, X'010203', ARRAY[1, 2, 3], 0), (2, X'0102', ARRAY[1, 2], 1)");
        failure("SELECT image, label FROM t ORDER BY id", "row 2 has 2 features; earlier rows have 3", "OCTET_LENGTH(IMAGE) = 3");
        failure("SELECT pixels, label FROM t ORDER BY id", "row 2 has 2 features; earlier rows have 3", "CARDINALITY(PIXELS) = 3");
    }

    @Test
    void emptyFeatures() {
        failure("SELECT X'' AS image, 1 AS label", "row 1 has no features", "IMAGE");
    }

    @Test
    void nullFeatures() throws SQLException {
        execute("CREATE TABLE t(id INTEGER, image VARBINARY, pixels REAL ARRAY, a REAL, label INTEGER)",
                "INSERT INTO t VALUES (1, X'01', ARRAY[1], 1, 0), (2, NULL, NULL, NULL, 1)");
        failure("SELECT image, label FROM t ORDER BY id", "row 2 has a NULL in feature column IMAGE", "WHERE IMAGE IS NOT NULL");
        failure("SELECT pixels, label FROM t ORDER BY id", "row 2 has a NULL in feature column PIXELS", "WHERE PIXELS IS NOT NULL");
        // Plain columns impute: the mean of A's other values stands in for a NULL (impute mean, the default).
        Dataset imputed = read("SELECT id, a, label FROM t ORDER BY id");
        assertEquals(List.of("ID", "A"), imputed.featureNames());
        assertEquals(1f, imputed.numericFeatures()[3]);
        execute("INSERT INTO t VALUES (3, X'02', ARRAY[2], 2, 1)");
        assertEquals(1.5f, read("SELECT id, a, label FROM t ORDER BY id").numericFeatures()[3], "the mean of 1 and 2");
        EncodingOptions strict = new EncodingOptions(Imputation.ERROR, 10, java.util.Map.of());
        DataException refused = assertThrows(DataException.class, () -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT id, a, label FROM t ORDER BY id")) {
                JdbcDatasetReader.read(rs, null, null, strict);
            }
        });
        assertTrue(refused.getMessage().contains("row 2 has a NULL in feature column A"), refused.getMessage());
        assertTrue(refused.getMessage().contains("WHERE A IS NOT NULL"), refused.getMessage());
    }

    @Test
    void nullArrayElement() {
        failure("SELECT ARRAY[1.5, NULL, 2] AS pixels, 1 AS label",
                "row 1 has a NULL at element 2 of feature column PIXELS", "WHERE");
    }

    @Test
    void nonFiniteFeatures() {
        failure("SELECT CAST('NaN' AS DOUBLE PRECISION) AS a, 1 AS label", "row 1 has NaN in feature column A", "finite");
        failure("SELECT ARRAY[1, CAST('Infinity' AS DOUBLE PRECISION)] AS p, 1 AS label",
                "row 1 has Infinity in element 2 of feature column P", "finite");
        failure("SELECT CAST(1e300 AS DOUBLE PRECISION) AS a, 1 AS label", "1.0E300", "float32 range");
    }

    @Test
    void nonNumericFeatureColumnsSayTheirType() {
        failure("SELECT CURRENT_DATE AS day1, 1 AS label", "feature column DAY1 has type DATE", "CAST(DAY1 AS DOUBLE PRECISION)",
                "CAST(DAY1 AS VARCHAR)");
        failure("SELECT X'01' AS b, TRUE AS flag, 1 AS label", "B (BINARY VARYING), FLAG (BOOLEAN) cannot be combined");
        failure("SELECT ARRAY['a', 'b'] AS words, 1 AS label", "row 1 has a String at element 1 of feature column WORDS");
    }

    @Test
    void mixedFeatureKindsNameTheColumns() {
        failure("SELECT X'01' AS image, 3 AS extra, 1 AS label", "IMAGE (BINARY VARYING), EXTRA (INTEGER) cannot be combined");
        failure("SELECT ARRAY[1] AS a, ARRAY[2] AS b, 1 AS label", "A (INTEGER ARRAY), B (INTEGER ARRAY)", "exactly one");
    }

    @Test
    void nullLabel() throws SQLException {
        execute("CREATE TABLE t(id INTEGER, x REAL, i INTEGER, s VARCHAR, d DOUBLE PRECISION)",
                "INSERT INTO t VALUES (1, 0, 1, 'a', 1.5), (2, 1, 2, 'b', 2.5), (3, 2, NULL, NULL, NULL)");
        for (String label : List.of("I", "S", "D")) {
            failure("SELECT x, " + label + " FROM t ORDER BY id",
                    "row 3 has a NULL label in column " + label, "WHERE " + label + " IS NOT NULL");
        }
    }

    @Test
    void nonFiniteRegressionTarget() {
        failure("SELECT 1 AS x, CAST('NaN' AS DOUBLE PRECISION) AS y", "row 1 has label NaN in column Y", "finite");
    }

    @Test
    void classificationOnFractionalLabels() {
        failureWith("SELECT 1 AS x, CAST(2.5 AS DOUBLE PRECISION) AS y", null, Task.CLASSIFICATION,
                "task classification needs whole-number or text labels", "row 1 holds 2.5 in column Y", "\"task\":\"regression\"");
    }

    @Test
    void fractionalValuesInAScaleZeroDecimalLabel() {
        // PostgreSQL reports an unconstrained NUMERIC with scale 0 yet returns fractions; H2 would round them, so fake it.
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("X", Types.REAL, 24, 0);
        rs.addColumn("Y", Types.NUMERIC, 0, 0);
        rs.addRow(1f, new BigDecimal("2"));
        rs.addRow(2f, new BigDecimal("2.5"));
        DataException failure = assertThrows(DataException.class, () -> JdbcDatasetReader.read(rs, null, null));
        assertTrue(failure.getMessage().contains("type NUMERIC with scale 0, so its values are read as integer classes, but row 2 holds 2.5"),
                failure.getMessage());
    }

    @Test
    void regressionOnTextLabels() {
        failureWith("SELECT 1 AS x, 'cat' AS y", null, Task.REGRESSION, "task regression needs a numeric label", "CHARACTER VARYING");
    }

    @Test
    void unusableLabelType() {
        failure("SELECT 1 AS x, TRUE AS y", "label column Y has type BOOLEAN", "CAST(Y AS INTEGER)");
    }

    @Test
    void onlyOneClass() throws SQLException {
        execute("CREATE TABLE t(x REAL, label INTEGER, name VARCHAR)", "INSERT INTO t VALUES (0, 3, 'a'), (1, 3, 'a')");
        failure("SELECT x, label FROM t", "at least two classes", "all 2 rows have label '3' in column LABEL");
        failure("SELECT x, name FROM t", "at least two classes", "label 'a' in column NAME");
    }

    @Test
    void moreThan65536Classes() {
        failure("SELECT X AS x, 'c' || X AS label FROM SYSTEM_RANGE(1, 65537)", "more than 65536 distinct labels");
        failure("SELECT X AS x, X AS label FROM SYSTEM_RANGE(1, 65537)", "more than 65536 distinct labels", "\"task\":\"regression\"");
    }

    @Test
    void sqlExceptionsPropagateUnchanged() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            ResultSet closed = statement.executeQuery("SELECT 1 AS x, 2 AS label");
            closed.close();
            assertThrows(SQLException.class, () -> JdbcDatasetReader.read(closed, null, null));
        }
    }

    // ---- memory

    @Test
    void tenThousandImagesAreKeptAsOneByteArray() throws SQLException {
        execute("CREATE TABLE digits(id INTEGER PRIMARY KEY, image VARBINARY(784), label INTEGER)");
        Random random = new Random(42);
        byte[] last = new byte[784];
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO digits VALUES (?, ?, ?)")) {
            for (int id = 0; id < 10_000; id++) {
                random.nextBytes(last);
                insert.setInt(1, id);
                insert.setBytes(2, last);
                insert.setInt(3, id % 10);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Dataset digits = read("SELECT image, label FROM digits ORDER BY id");
        assertEquals(10_000, digits.rows());
        assertEquals(784, digits.width());
        assertEquals(7_840_000, digits.byteFeatures().length);
        byte[] lastRow = Arrays.copyOfRange(digits.byteFeatures(), 9_999 * 784, 7_840_000);
        assertArrayEquals(last, lastRow);
        assertEquals(10, digits.classes().size());
        assertEquals(9, digits.classIndex(9_999));
    }

    // ---------------------------------------------------------------- memory

    @Test
    void rowsBeyondTheBudgetStopTheReadWithTheRowAndTheLimit() throws SQLException {
        String query = "SELECT CAST(REPEAT('7', 100) AS VARBINARY) AS image, MOD(X, 3) AS label FROM SYSTEM_RANGE(1, 5000)";
        // 5,000 rows of 100 bytes: 500,000 bytes of features, charged as the arrays grow.
        HeapBudget small = new HeapBudget(300_000, 1 << 30);
        HeapLimitException failure;
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            failure = assertThrows(HeapLimitException.class, () -> JdbcDatasetReader.read(rs, null, null, EncodingOptions.defaults(), small));
        }
        String message = failure.getMessage();
        assertTrue(message.startsWith("the training query's rows do not fit in memory: at row "), message);
        assertTrue(message.contains("of this JVM's 1,024 MB heap"), message);
        assertTrue(message.contains("-Xmx"), message);
        int row = Integer.parseInt(message.replaceAll(".*at row ([0-9,]+),.*", "$1").replace(",", ""));
        assertTrue(row > 1000 && row < 3000, "stopped while growing past 300,000 bytes, not before: " + message);
        assertTrue(small.charged() <= 300_000, "never charged beyond its limit: " + small.charged());

        // The same rows with room to spare: features, a class per row and the trimmed copies all fit.
        HeapBudget enough = new HeapBudget(2_000_000, 1 << 30);
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            Dataset dataset = JdbcDatasetReader.read(rs, null, null, EncodingOptions.defaults(), enough);
            assertEquals(5000, dataset.rows());
            assertEquals(5000 * 100 + 5000 * 4, dataset.heapBytes());
        }
        assertTrue(enough.charged() >= 500_000 && enough.charged() < 1_000_000, "charged: " + enough.charged());
    }

    @Test
    void aTextColumnsDistinctValuesAreChargedToTheBudget() throws SQLException {
        // 20,000 distinct 30-character values in a 1,000 KB budget: the numbers' array alone (80 KB) fits,
        // the dictionary (some 150 bytes a value, 3 MB) does not, and must stop the read, not the JVM.
        String query = "SELECT CONCAT('customer-', LPAD(CAST(X AS VARCHAR), 21, '0')) AS who, MOD(X, 2) AS label"
                + " FROM SYSTEM_RANGE(1, 20000)";
        HeapBudget small = new HeapBudget(1_000_000, 1 << 30);
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            HeapLimitException failure = assertThrows(HeapLimitException.class,
                    () -> JdbcDatasetReader.read(rs, null, null, EncodingOptions.defaults(), small));
            assertTrue(failure.getMessage().startsWith("the training query's rows do not fit in memory"), failure.getMessage());
        }
        assertTrue(small.charged() <= 1_000_000, "never charged beyond its limit: " + small.charged());

        // 20,000 rows of 100 values that repeat: 100 dictionary entries, and the read fits in a budget that
        // holds the one-hot rows (20,000 x 102 floats, 8 MB).
        String repeated = "SELECT CONCAT('customer-', LPAD(CAST(MOD(X, 100) AS VARCHAR), 21, '0')) AS who,"
                + " MOD(X, 2) AS label FROM SYSTEM_RANGE(1, 20000)";
        HeapBudget enough = new HeapBudget(20_000_000, 1 << 30);
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(repeated)) {
            assertEquals(20000, JdbcDatasetReader.read(rs, null, null, EncodingOptions.defaults(), enough).rows());
        }
    }
}

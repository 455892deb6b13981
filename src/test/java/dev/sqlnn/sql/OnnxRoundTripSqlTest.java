package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sqlnn imports its own exports: a model trained with {@code ML_TRAIN}, written by {@code ML_EXPORT}
 * and read back by {@code ML_IMPORT_ONNX} under another name, must answer every scoring function as
 * the original does, within {@link #TOLERANCE} on every row, and name the same classes of the same
 * kind. Digits (a VARBINARY, integer labels), blobs as an ARRAY with text labels, and a regression on
 * an ARRAY whose target was standardised for training. A model of plain columns is refused, pointing
 * at {@code models copy}.
 */
class OnnxRoundTripSqlTest extends SqlTestSupport {

    static final double TOLERANCE = 1e-5;

    @Test
    void aDigitsClassifierComesBackWithItsIntegerClasses() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels());
        train("digits", "SELECT image, label FROM digits", "{\"hidden\":[16],\"epochs\":2,\"learning_rate\":0.003}");
        roundTrip("digits", "digits_copy");
        assertSameModels("digits", "digits_copy");

        double worst = assertSameClassifications("digits", "digits_copy", "image", "digits_test");
        assertEquals(Integer.class, value("SELECT PREDICT('digits_copy', image) FROM digits_test WHERE id = 1").getClass(),
                "integer labels stay INTEGER");
        System.out.printf("ONNX round trip, digits on 2000 test images: max |copy - original| %.3g%n", worst);
    }

    @Test
    void aTextClassifierOnAnArrayComesBackWithItsTextClasses() throws SQLException {
        createBlobs("blobs", 300, 1);
        train("pets", "SELECT features, name FROM blobs", "{\"hidden\":[8],\"epochs\":15,\"learning_rate\":0.01,"
                + "\"scale\":\"standard\"}");
        roundTrip("pets", "pets_copy");
        assertSameModels("pets", "pets_copy");
        double worst = assertSameClassifications("pets", "pets_copy", "features", "blobs");
        assertEquals(String.class, value("SELECT PREDICT_LABEL('pets_copy', ARRAY[0, 3])").getClass());
        System.out.printf("ONNX round trip, text classifier on 300 rows: max |copy - original| %.3g%n", worst);
    }

    @Test
    void aRegressionOnAnArrayComesBackInTheLabelsUnits() throws SQLException {
        createBlobs("blobs", 300, 2);
        execute("CREATE TABLE prices AS SELECT id, features, CAST(1000 + 80 * a - 30 * b + a * b AS DOUBLE PRECISION)"
                + " AS price FROM blobs");
        train("price", "SELECT features, price FROM prices", "{\"hidden\":[12],\"activation\":\"tanh\",\"epochs\":20,"
                + "\"learning_rate\":0.01,\"scale\":\"standard\"}");
        assertEquals("regression", value("SELECT TASK FROM SQLNN.MODELS WHERE NAME = 'price'"));
        roundTrip("price", "price_copy");
        assertSameModels("price", "price_copy");

        List<Object[]> rows = rows("SELECT PREDICT_VALUE('price', features), PREDICT_VALUE('price_copy', features)"
                + " FROM prices ORDER BY id");
        List<Object[]> batch = rows("SELECT o.PREDICTION, c.PREDICTION FROM ML_PREDICT('price', 'SELECT id, features"
                + " FROM prices') o JOIN ML_PREDICT('price_copy', 'SELECT id, features FROM prices') c ON o.id = c.id"
                + " ORDER BY o.id");
        assertEquals(300, rows.size());
        assertEquals(300, batch.size());
        double worst = 0;
        for (int r = 0; r < rows.size(); r++) {
            worst = Math.max(worst, relative((Double) rows.get(r)[0], (Double) rows.get(r)[1]));
            worst = Math.max(worst, relative((Double) batch.get(r)[0], (Double) batch.get(r)[1]));
        }
        System.out.printf("ONNX round trip, regression on 300 rows: max |copy - original| / max(1, |original|) %.3g%n",
                worst);
        assertTrue(worst <= TOLERANCE, "PREDICT_VALUE and ML_PREDICT of the copy differ by " + worst + " (relative)");
    }

    @Test
    void aModelOfPlainColumnsIsRefusedPointingAtModelsCopy() throws SQLException {
        createBlobs("blobs", 60, 1);
        train("plain", "SELECT a, name, y FROM blobs", QUICK);
        byte[] onnx = (byte[]) value("SELECT ML_EXPORT('plain')");
        long before = count("SELECT COUNT(*) FROM SQLNN.MODELS");
        SQLException e = assertThrows(SQLException.class, () -> value("SELECT ML_IMPORT_ONNX('plain_copy', ?)", onnx));
        assertEquals("0A000", e.getSQLState(), e::getMessage);
        assertTrue(e.getMessage().startsWith("ML_IMPORT_ONNX: the file is sqlnn's export of a model of plain columns"
                + " [A, NAME]"), e::getMessage);
        assertTrue(e.getMessage().contains("bin/sqlnn models copy") && e.getMessage().contains("Sqlnn.copyModel"),
                e::getMessage);
        assertEquals(before, count("SELECT COUNT(*) FROM SQLNN.MODELS"), "nothing is written");
    }

    // ---------------------------------------------------------------- helpers

    private void roundTrip(String original, String copy) throws SQLException {
        byte[] onnx = (byte[]) value("SELECT ML_EXPORT(?)", original);
        assertEquals(1L, ((Number) value("SELECT ML_IMPORT_ONNX(?, ?)", copy, onnx)).longValue());
    }

    /** The same task, layers, width and classes (the JSON array, so their order and spelling too). */
    private void assertSameModels(String original, String copy) throws SQLException {
        String columns = "SELECT TASK, LAYERS, INPUT_WIDTH, CLASSES FROM SQLNN.MODELS WHERE NAME = ?";
        Object[] a = rows(columns, original).get(0);
        Object[] b = rows(columns, copy).get(0);
        for (int i = 0; i < 3; i++) assertEquals(a[i], b[i], "column " + (i + 1));
        assertArrayEquals((byte[]) a[3], (byte[]) b[3], () -> "CLASSES " + (a[3] == null ? null : new String((byte[]) a[3]))
                + " against " + (b[3] == null ? null : new String((byte[]) b[3])));
    }

    /**
     * PREDICT_PROBA within the tolerance, and PREDICT_LABEL and ML_PREDICT's PREDICTION equal, on every
     * row of {@code table}; returns the largest difference of a probability.
     */
    private double assertSameClassifications(String original, String copy, String features, String table)
            throws SQLException {
        List<Object[]> rows = rows("SELECT PREDICT_PROBA(?1, " + features + "), PREDICT_PROBA(?2, " + features + "),"
                + " PREDICT_LABEL(?1, " + features + "), PREDICT_LABEL(?2, " + features + ") FROM " + table
                + " ORDER BY id", original, copy);
        // literals: H2 asks a table function for its columns before parameters are bound
        String query = "'SELECT id, " + features + " FROM " + table + "'";
        List<Object[]> batch = rows("SELECT o.PREDICTION, c.PREDICTION, o.PROBABILITY, c.PROBABILITY FROM ML_PREDICT('"
                + original + "', " + query + ") o JOIN ML_PREDICT('" + copy + "', " + query + ") c ON o.id = c.id"
                + " ORDER BY o.id");
        assertEquals(rows.size(), batch.size());
        double worst = 0;
        for (int r = 0; r < rows.size(); r++) {
            float[] p = floats(rows.get(r)[0]);
            float[] q = floats(rows.get(r)[1]);
            assertEquals(p.length, q.length);
            for (int k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p[k] - q[k]));
            worst = Math.max(worst, Math.abs(((Number) batch.get(r)[2]).doubleValue() - ((Number) batch.get(r)[3]).doubleValue()));
            assertEquals(rows.get(r)[2], rows.get(r)[3], "PREDICT_LABEL of row " + (r + 1));
            assertEquals(batch.get(r)[0], batch.get(r)[1], "ML_PREDICT of row " + (r + 1));
        }
        assertTrue(worst <= TOLERANCE, "the copy's probabilities differ by " + worst);
        return worst;
    }

    private static double relative(double expected, double actual) {
        return Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
    }
}

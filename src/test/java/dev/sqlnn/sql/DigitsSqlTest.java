package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled MNIST digits end to end in SQL: 8,000 training images as VARBINARY(784), a small
 * network, and accuracy on the 2,000 test images measured by a query.
 */
class DigitsSqlTest extends SqlTestSupport {

    @Test
    void aSmallNetworkTrainedInSqlRecognisesTheTestDigits() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        assertEquals(8000, IdxTable.write(connection, "DIGITS", train.images(), train.labels()));
        assertEquals(2000, IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels()));

        // 3 epochs at the default learning rate reach only 0.90 to 0.92 on these 8,000 images (about 340
        // steps): too close to the bar. 5 epochs at 0.003 reach about 0.94 and still take under a second.
        assertEquals(1L, train("digits", "SELECT image, label FROM digits",
                "{\"hidden\":[128],\"epochs\":5,\"learning_rate\":0.003}"));
        Object[] row = rows("SELECT LAYERS, INPUT_WIDTH, TRAIN_ROWS, DEPLOYED FROM SQLNN.MODELS").get(0);
        assertEquals("784-128-10", row[0]);
        assertEquals(784, row[1]);
        assertEquals(7200L, row[2]);
        assertEquals(true, row[3]);

        double accuracy = ((Number) value("SELECT AVG(CASE WHEN PREDICT('digits', image) = label THEN 1.0 ELSE 0 END)"
                + " FROM digits_test")).doubleValue();
        assertTrue(accuracy > 0.90, () -> "test accuracy " + accuracy);
        double byDefault = ((Number) value("SELECT AVG(CASE WHEN PREDICT(image) = label THEN 1.0 ELSE 0 END)"
                + " FROM digits_test")).doubleValue();
        assertEquals(accuracy, byDefault, "the default model is the digits model");
        assertEquals(5L, count("SELECT COUNT(*) FROM ML_TRAINING_INFO('digits')"));
    }
}

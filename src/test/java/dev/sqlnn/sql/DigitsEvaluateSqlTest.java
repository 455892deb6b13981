package dev.sqlnn.sql;

import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analyst's functions on the bundled MNIST digits: a small network trained in SQL, measured by
 * {@code ML_EVALUATE} exactly as a query over {@code PREDICT} measures it.
 */
class DigitsEvaluateSqlTest extends SqlTestSupport {

    @Test
    void evaluateAgreesWithPredictOnTheTestDigits() throws SQLException {
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        assertEquals(2000, IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels()));
        train("digits", "SELECT image, label FROM digits", "{\"hidden\":[32],\"epochs\":2,\"learning_rate\":0.003}");

        double byPredict = ((Number) value("SELECT AVG(CASE WHEN PREDICT('digits', image) = label THEN 1.0 ELSE 0 END)"
                + " FROM digits_test")).doubleValue();
        Map<String, Double> metrics = new HashMap<>();
        for (Object[] row : rows("SELECT metric, score FROM ML_EVALUATE('digits', 'SELECT image, label FROM digits_test')"
                + " WHERE class IS NULL")) {
            metrics.put((String) row[0], (Double) row[1]);
        }
        assertTrue(byPredict > 0.8, () -> "test accuracy " + byPredict);
        assertEquals(byPredict, metrics.get("accuracy"), 1e-12, "ML_EVALUATE and PREDICT count the same rows right");
        assertTrue(metrics.get("roc_auc") > 0.9 && metrics.get("log_loss") > 0, () -> "metrics " + metrics);
        assertEquals(2000, count("SELECT SUM(score) FROM ML_EVALUATE('digits', 'SELECT image, label FROM digits_test')"
                + " WHERE metric = 'support'"));

        assertEquals(0, count("SELECT COUNT(*) FROM ML_PREDICT('digits', 'SELECT id, image FROM digits_test') p"
                + " JOIN digits_test t ON t.id = p.id WHERE p.prediction <> PREDICT('digits', t.image)"));
        assertEquals(Math.round(byPredict * 2000), count("SELECT SUM(count) FROM ML_CONFUSION_MATRIX('digits',"
                + " 'SELECT image, label FROM digits_test') WHERE actual = predicted"));
        assertEquals(784 * 32 + 32 + 32 * 10 + 10, count("SELECT COUNT(*) FROM ML_WEIGHTS('digits')"));
    }
}

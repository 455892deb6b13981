package dev.sqlnn.sql;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input through SQL: the SQLState, a message that starts with the function's name and
 * says what was expected, and nothing written to sqlnn's tables ({@link #assertFails} counts the rows
 * of MODELS, TRAINING_LOG and DEPLOYMENTS before and after).
 */
class BadInputSqlTest extends SqlTestSupport {

    private static final String SMALL = "{\"hidden\":[4],\"epochs\":2}";
    private static final String GOOD_QUERY = "SELECT a, b, y FROM blobs";

    @BeforeEach
    void trainAModelOnNumbersAndOneOnBytes() throws SQLException {
        createBlobs("blobs", 300, 31);
        train("m", GOOD_QUERY, SMALL);
        train("bytes", "SELECT pixels, y FROM blobs", SMALL);
    }

    // ---------------------------------------------------------------- unknown models

    @Test
    void anUnknownModelIs42704ForEveryFunction() throws SQLException {
        String fix = "train it with ML_TRAIN('nope'";
        assertFails("42704", "PREDICT", "SELECT PREDICT('nope', ARRAY[0, 3])", "model nope does not exist", fix);
        assertFails("42704", "PREDICT_LABEL", "SELECT PREDICT_LABEL('nope', ARRAY[0, 3])", "model nope does not exist");
        assertFails("42704", "PREDICT_VALUE", "SELECT PREDICT_VALUE('nope', ARRAY[0, 3])", "model nope does not exist");
        assertFails("42704", "PREDICT_PROBA", "SELECT PREDICT_PROBA('nope', ARRAY[0, 3])", "model nope does not exist");
        assertFails("42704", "ML_DEPLOY", "SELECT ML_DEPLOY('nope')", "model nope does not exist");
        assertFails("42704", "ML_DEPLOY", "SELECT ML_DEPLOY('nope', 1)", "model nope does not exist");
        assertFails("42704", "ML_DROP", "SELECT ML_DROP('nope')", "model nope does not exist");
        assertFails("42704", "ML_DROP", "SELECT ML_DROP('nope', 1)", "model nope has no version 1");
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('nope')", "model nope does not exist");
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('nope', 1)", "model nope");
    }

    @Test
    void anUnknownVersionIs42704AndNamesTheVersionsThereAre() throws SQLException {
        assertFails("42704", "ML_DEPLOY", "SELECT ML_DEPLOY('m', 9)", "model m has no version 9", "versions: [1]");
        assertFails("42704", "ML_DROP", "SELECT ML_DROP('m', 9)", "model m has no version 9", "versions: [1]");
        assertFails("42704", "ML_TRAINING_INFO", "SELECT * FROM ML_TRAINING_INFO('m', 9)", "model m has no version 9");
    }

    @Test
    void theDefaultModelIs42704WhenNoneIsDeployed() throws SQLException {
        value("SELECT ML_DROP('m')");
        value("SELECT ML_DROP('bytes')");
        assertFails("42704", "PREDICT", "SELECT PREDICT(ARRAY[0, 3])", "no model is deployed", "ML_TRAIN", "ML_DEPLOY");
    }

    // ---------------------------------------------------------------- features

    @Test
    void aFeatureOfTheWrongWidthIs22023() throws SQLException {
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[1, 2, 3])", "model m (version 1) expects 2 features, got 3");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[1])", "expects 2 features, got 1");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', CAST(ARRAY[] AS DOUBLE PRECISION ARRAY))",
                "expects 2 features, got 0");
        assertFails("22023", "PREDICT_PROBA", "SELECT PREDICT_PROBA('m', ARRAY[1, 2, 3])", "expects 2 features, got 3");
        assertFails("22023", "PREDICT_LABEL", "SELECT PREDICT_LABEL('m', ARRAY[1, 2, 3])", "expects 2 features, got 3");
        assertFails("22023", "PREDICT", "SELECT PREDICT('bytes', X'010203')", "model bytes (version 1) expects 2 features, got 3");
        assertFails("22023", "PREDICT", "SELECT PREDICT(X'01')", "expects 2 features, got 1"); // the default: bytes
        createPlane("plane", 50, 31);
        train("r", "SELECT a, b, y FROM plane", SMALL);
        assertFails("22023", "PREDICT_VALUE", "SELECT PREDICT_VALUE('r', ARRAY[1, 2, 3])", "expects 2 features, got 3");
    }

    @Test
    void aFeatureOfTheWrongKindIs22023() throws SQLException {
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', X'0102')", "trained on numeric features", "ARRAY");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', 'abc')", "features must be a VARBINARY or a numeric ARRAY");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', 42)", "features must be a VARBINARY or a numeric ARRAY");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', X'01', X'02')", "is a number; got");
    }

    @Test
    void nanOrInfinityInAnArrayFeatureIs22023() throws SQLException {
        String nan = "CAST('NaN' AS DOUBLE PRECISION)";
        String infinity = "CAST('Infinity' AS DOUBLE PRECISION)";
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[1, " + nan + "])", "feature 2 is NaN", "finite");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[" + infinity + ", 1])", "feature 1 is Infinity");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[-" + infinity + ", 1])", "feature 1 is -Infinity");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[CAST(1 AS REAL), CAST('NaN' AS REAL)])", "feature 2 is NaN");
        assertFails("22023", "PREDICT", "SELECT PREDICT('m', ARRAY[1, 1e300])", "feature 2 is Infinity", "finite");
        assertFails("22023", "PREDICT_PROBA", "SELECT PREDICT_PROBA('m', ARRAY[1, " + nan + "])", "NaN");
        assertFails("22023", "PREDICT_LABEL", "SELECT PREDICT_LABEL('m', ARRAY[1, " + nan + "])", "NaN");
    }

    @Test
    void nanOrInfinityInTrainingDataIs22023() throws SQLException {
        execute("UPDATE blobs SET a = CAST('NaN' AS DOUBLE PRECISION) WHERE id = 5");
        assertTrainingFails("22023", GOOD_QUERY, SMALL, "row 5 has NaN in feature column A", "finite");
        execute("UPDATE blobs SET a = 0 WHERE id = 5");
        execute("UPDATE blobs SET features = ARRAY[1, CAST('Infinity' AS DOUBLE PRECISION)] WHERE id = 7");
        assertTrainingFails("22023", "SELECT features, y FROM blobs ORDER BY id", SMALL,
                "row 7 has Infinity in element 2 of feature column FEATURES");
        assertTrainingFails("22023", "SELECT a, 1e300, y FROM blobs", SMALL, "row 1 has 1.0E300", "float32 range");
        createPlane("plane", 50, 32);
        execute("UPDATE plane SET y = CAST('NaN' AS DOUBLE PRECISION) WHERE a = (SELECT MIN(a) FROM plane)");
        assertTrainingFails("22023", "SELECT a, b, y FROM plane", SMALL, "has label NaN in column Y", "finite");
    }

    // ---------------------------------------------------------------- options

    @Test
    void anUnknownOptionIs22023AndListsTheValidOnes() throws SQLException {
        assertTrainingFails("22023", GOOD_QUERY, "{\"epoch\":5}", "unknown option 'epoch'",
                "valid options are: label, task, hidden, activation, weight_init, loss, optimizer, learning_rate", "epochs", "deploy");
        assertTrainingFails("22023", GOOD_QUERY, "{\"augment\":{\"flip\":true}}", "unknown key 'flip'", "shift, rotate");
    }

    @Test
    void anIllTypedOptionIs22023AndSaysWhatIsExpected() throws SQLException {
        assertTrainingFails("22023", GOOD_QUERY, "{\"epochs\":\"5\"}", "option 'epochs' must be a positive integer",
                "got \"5\"");
        assertTrainingFails("22023", GOOD_QUERY, "{\"epochs\":2.5}", "option 'epochs' must be a positive integer");
        assertTrainingFails("22023", GOOD_QUERY, "{\"hidden\":16}", "option 'hidden' must be an array", "got 16");
        assertTrainingFails("22023", GOOD_QUERY, "{\"hidden\":[\"wide\"]}", "option 'hidden' must be an array");
        assertTrainingFails("22023", GOOD_QUERY, "{\"learning_rate\":\"fast\"}",
                "option 'learning_rate' must be a positive number");
        assertTrainingFails("22023", GOOD_QUERY, "{\"deploy\":\"sometimes\"}",
                "option 'deploy' must be one of best, always, never", "\"sometimes\"");
        assertTrainingFails("22023", GOOD_QUERY, "{\"activation\":\"softsign\"}", "option 'activation' must be one of");
        assertTrainingFails("22023", GOOD_QUERY, "{\"optimizer\":null}", "option 'optimizer' must be one of");
        assertTrainingFails("22023", GOOD_QUERY, "{\"seed\":1.5}", "option 'seed' must be an integer");
        assertTrainingFails("22023", GOOD_QUERY, "{\"label\":7}", "option 'label' must be a column name");
    }

    @Test
    void optionsThatAreNotAJsonObjectAre22023() throws SQLException {
        for (String options : new String[] {"nope", "[1, 2]", "42", "{\"epochs\":5", "{\"epochs\":5}}",
                "{\"epochs\":5,\"epochs\":6}"}) {
            assertTrainingFails("22023", GOOD_QUERY, options, "options must be a JSON object, e.g. {");
        }
    }

    @Test
    void negativeOrZeroSizesAndRatesAre22023() throws SQLException {
        assertTrainingFails("22023", GOOD_QUERY, "{\"hidden\":[-1]}", "option 'hidden'", "from 1 to", "got [-1]");
        assertTrainingFails("22023", GOOD_QUERY, "{\"hidden\":[8, 0]}", "option 'hidden'", "got [8, 0]");
        assertTrainingFails("22023", GOOD_QUERY, "{\"learning_rate\":-0.1}", "option 'learning_rate' must be a positive number",
                "got -0.1");
        assertTrainingFails("22023", GOOD_QUERY, "{\"learning_rate\":0}", "option 'learning_rate' must be a positive number");
        assertTrainingFails("22023", GOOD_QUERY, "{\"epochs\":0}", "option 'epochs' must be a positive integer", "got 0");
        assertTrainingFails("22023", GOOD_QUERY, "{\"epochs\":-3}", "option 'epochs' must be a positive integer");
        assertTrainingFails("22023", GOOD_QUERY, "{\"batch_size\":0}", "option 'batch_size' must be a positive integer");
        assertTrainingFails("22023", GOOD_QUERY, "{\"threads\":0}", "option 'threads' must be a positive integer");
        assertTrainingFails("22023", GOOD_QUERY, "{\"validation_fraction\":1}", "option 'validation_fraction'", "[0, 1)");
        assertTrainingFails("22023", GOOD_QUERY, "{\"l2\":-1}", "option 'l2' must be a non-negative number");
        assertTrainingFails("22023", GOOD_QUERY, "{\"early_stopping\":-1}", "option 'early_stopping'");
    }

    // ---------------------------------------------------------------- training data

    @Test
    void aQueryWithoutRowsIs22023() throws SQLException {
        assertTrainingFails("22023", GOOD_QUERY + " WHERE 1 = 0", SMALL, "the training query returned no rows");
    }

    @Test
    void aLabelUnusableForTheTaskIs22023() throws SQLException {
        assertTrainingFails("22023", "SELECT a, b, a + b FROM blobs", "{\"task\":\"classification\"}",
                "task classification needs whole-number or text labels", "task\":\"regression");
        assertTrainingFails("22023", "SELECT a, b, 1 FROM blobs", SMALL, "a classifier needs at least two classes",
                "all 300 rows");
        assertTrainingFails("22023", "SELECT a, b, name FROM blobs", "{\"task\":\"regression\"}",
                "task regression needs a numeric label");
        assertTrainingFails("22023", "SELECT a, b, CASE WHEN id = 9 THEN NULL ELSE y END FROM blobs ORDER BY id",
                SMALL, "row 9 has a NULL label");
        assertTrainingFails("22023", GOOD_QUERY, "{\"label\":\"nosuch\"}", "label column 'nosuch' is not in the training query",
                "A, B, Y");
        assertTrainingFails("22023", "SELECT a, b, y > 0 FROM blobs", SMALL, "has type BOOLEAN",
                "a label must be an integer or text");
        assertTrainingFails("22023", "SELECT y FROM blobs", SMALL, "it needs feature columns too");
        assertTrainingFails("22023", "SELECT a, CURRENT_DATE AS d, y FROM blobs", SMALL, "feature column D has type DATE");
        assertTrainingFails("22023", "SELECT pixels, a, y FROM blobs", SMALL, "cannot be combined");
        assertTrainingFails("22023", "SELECT a, b, y FROM blobs", "{\"task\":\"regression\",\"loss\":\"cross_entropy\"}",
                "option 'loss' cross_entropy needs task classification");
    }

    // ---------------------------------------------------------------- damaged model

    /**
     * The model cache keeps decoded models per database, and an UPDATE of SQLNN.MODELS behind sqlnn's
     * back does not reach it: {@code ML_DEPLOY} (like any train, deploy or drop through sqlnn) drops
     * the cached copies of a model, so the next PREDICT reads and decodes the damaged row.
     */
    @Test
    void aDamagedWeightsBlobIs22000() throws SQLException {
        assertEquals(0, count("SELECT PREDICT('m', ARRAY[0, 3]) * 0"), "version 1 is decoded and cached");
        execute("UPDATE SQLNN.MODELS SET WEIGHTS = X'00112233' WHERE NAME = 'm'");
        value("SELECT ML_DEPLOY('m', 1)"); // forgets the cached copy
        assertFails("22000", "PREDICT", "SELECT PREDICT('m', ARRAY[0, 3])", "model blob is 4 bytes");
        assertFails("22000", "PREDICT_PROBA", "SELECT PREDICT_PROBA('m', ARRAY[0, 3])", "model blob");
        assertFails("22000", "PREDICT", "SELECT PREDICT(ARRAY[0, 3])", "model blob"); // m is the default now
    }

    @Test
    void aBlobWithOneFlippedByteIs22000() throws SQLException {
        byte[] blob = (byte[]) value("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = 'bytes'");
        blob[blob.length / 2] ^= 0x10;
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE SQLNN.MODELS SET WEIGHTS = ? WHERE NAME = 'bytes'")) {
            update.setBytes(1, blob);
            update.executeUpdate();
        }
        value("SELECT ML_DEPLOY('bytes', 1)"); // the cache may hold version 1 decoded: make PREDICT read the row
        assertFails("22000", "PREDICT", "SELECT PREDICT('bytes', X'0102')", "model blob");
    }

    // ---------------------------------------------------------------- the training query's own errors

    @Test
    void aTrainingQueryThatFailsOnItsOwnKeepsTheDatabasesError() throws SQLException {
        // The database's own error, unchanged: its SQLState and its message, which names the query, not ML_TRAIN.
        SQLException missingTable = assertQueryFails("42S02", "SELECT a, b, y FROM nosuch");
        assertEquals(42102, missingTable.getErrorCode());
        assertTrue(missingTable.getMessage().startsWith("Table \"NOSUCH\" not found"), missingTable.getMessage());

        SQLException missingColumn = assertQueryFails("42S22", "SELECT a, nosuch, y FROM blobs");
        assertTrue(missingColumn.getMessage().startsWith("Column \"NOSUCH\" not found"), missingColumn.getMessage());

        SQLException syntax = assertQueryFails("42001", "SELEC a, b, y FROM blobs");
        assertTrue(syntax.getMessage().startsWith("Syntax error in SQL statement"), syntax.getMessage());
        assertQueryFails("42001", "SELECT a, b, y FROM blobs WHERE");

        // Not a query: refused before it runs, so the rows are still there.
        SQLException delete = assertThrows(SQLException.class,
                () -> train("m", "DELETE FROM blobs", SMALL));
        assertEquals("90002", delete.getSQLState(), delete.getMessage());
        assertEquals(300L, count("SELECT COUNT(*) FROM blobs"));
    }

    private SQLException assertQueryFails(String state, String query) throws SQLException {
        return assertFails(state, null, "SELECT ML_TRAIN('m', " + quote(query) + ", " + quote(SMALL) + ")");
    }

    @Test
    void aUserWithoutRightsGetsTheDatabasesRefusal() throws SQLException {
        execute("CREATE TABLE secret AS SELECT a, b, y FROM blobs");
        execute("CREATE USER bob PASSWORD 'pw'");
        execute("GRANT SELECT ON blobs TO bob");
        Counts before = counts();
        try (Connection bob = DriverManager.getConnection(url, "bob", "pw")) {
            SQLException noRights = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT ML_TRAIN('b', 'SELECT a, b, y FROM secret', ?)", SMALL));
            assertEquals("90096", noRights.getSQLState(), noRights.getMessage());
            assertTrue(noRights.getMessage().startsWith("Not enough rights for object \"PUBLIC.SECRET\""),
                    noRights.getMessage());

            // Bob may read the training rows but not sqlnn's tables: the database's refusal, not an internal error.
            SQLException noModels = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT PREDICT('m', ARRAY[0, 3])"));
            assertEquals("90096", noModels.getSQLState(), noModels.getMessage());
            assertTrue(noModels.getMessage().startsWith("PREDICT: Not enough rights for object \"SQLNN.MODELS\""),
                    noModels.getMessage());
            SQLException noSave = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT ML_TRAIN('b', 'SELECT a, b, y FROM blobs', ?)", SMALL));
            assertEquals("90096", noSave.getSQLState(), noSave.getMessage());
            assertTrue(noSave.getMessage().startsWith("ML_TRAIN: Not enough rights for object \"SQLNN.MODELS\""),
                    noSave.getMessage());
            assertEquals(before, counts());

            // With rights on sqlnn's tables, bob trains on what he may read, and still not on the rest.
            execute("GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA SQLNN TO bob");
            assertEquals(1L, rows(bob, "SELECT ML_TRAIN('b', 'SELECT a, b, y FROM blobs', ?)", SMALL).get(0)[0]);
            Counts afterBobsModel = counts();
            SQLException stillNoRights = assertThrows(SQLException.class,
                    () -> rows(bob, "SELECT ML_TRAIN('b', 'SELECT a, b, y FROM secret', ?)", SMALL));
            assertEquals("90096", stillNoRights.getSQLState(), stillNoRights.getMessage());
            assertEquals(afterBobsModel, counts());
        }
    }

    // ---------------------------------------------------------------- names and queries

    /** Invalid names, hostile ones among them, are {@code AccessRightsSqlTest}'s; here the edges. */
    @Test
    void aNullModelNameIs22023AndTheLongestValidNameWorks() throws SQLException {
        assertFails("22023", "ML_TRAIN", "SELECT ML_TRAIN(NULL, 'SELECT a, b, y FROM blobs', NULL)", "got NULL");
        // The longest valid name works: it names the model trained under it, which scores as the same
        // training under a short name does.
        String longest = "n".repeat(128);
        assertEquals(1L, train(longest, GOOD_QUERY, SMALL));
        assertEquals(1L, train("short", GOOD_QUERY, SMALL));
        assertArrayEquals(floats(value("SELECT PREDICT_PROBA('short', ARRAY[0, 3])")),
                floats(value("SELECT PREDICT_PROBA('" + longest + "', ARRAY[0, 3])")));
        assertEquals(1L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = ?", longest), "stored whole");
    }

    @Test
    void anEmptyTrainingQueryIs22023() throws SQLException {
        assertTrainingFails("22023", "", SMALL, "the training query is empty", "SELECT");
        assertTrainingFails("22023", "   ", SMALL, "the training query is empty");
        assertTrainingFails("22023", null, SMALL, "the training query is empty");
    }
}

package dev.sqlnn.spark;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.DistributedTrainer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on Spark ({@code local[2]}, in this JVM) into an H2 database, read through Spark's JDBC
 * source as {@code bin/sqlnn spark train} reads it: one partition trains exactly as {@code ML_TRAIN};
 * two partitions train a model as good, which H2's {@code PREDICT} and Spark's functions score alike.
 */
class SparkTrainingTest {

    private static final String OPTIONS = "{\"hidden\":[64],\"epochs\":3,\"seed\":11,\"threads\":1}";

    /** Enough epochs for both to settle: averaging learns less per epoch than one node (see DistributedTrainer). */
    private static final String SETTLED = "{\"hidden\":[64],\"epochs\":8,\"seed\":11}";

    private static SparkSession spark;
    private static String url;
    private static Connection connection;

    @BeforeAll
    static void start() throws SQLException {
        spark = LocalSpark.start("local[2]");
        url = "jdbc:h2:mem:spark-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        connection = DriverManager.getConnection(url);
        Sqlnn.install(connection);
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels());
    }

    @AfterAll
    static void stop() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SHUTDOWN");
        }
        connection.close();
        spark.stop();
    }

    private static Dataset<Row> digits(int partitions) {
        Properties user = new Properties();
        if (partitions == 1) {
            return spark.read().jdbc(url, "(SELECT image, label FROM digits ORDER BY id) q", user);
        }
        return spark.read().jdbc(url, "(SELECT id, image, label FROM digits) q", "id", 1, 8001, partitions, user)
                .select("image", "label");
    }

    @Test
    void onePartitionTrainsExactlyAsMlTrain() throws SQLException {
        long spark = SqlnnSpark.train(digits(1), "on_spark", OPTIONS, url);
        long h2 = scalar("SELECT ML_TRAIN('in_h2', 'SELECT image, label FROM digits ORDER BY id', '" + OPTIONS + "')");
        assertEquals(1, spark);
        assertEquals(1, h2);
        assertEquals(text("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'in_h2'"),
                text("SELECT METRICS FROM SQLNN.MODELS WHERE NAME = 'on_spark'"));
        assertArrayEquals(weights("in_h2"), weights("on_spark"), "the same rows, options and seed give the same model");
        assertEquals(3, scalar("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'on_spark'"));
    }

    @Test
    void twoPartitionsTrainAsWellAndScoreAlikeInH2AndSpark() throws SQLException {
        for (DistributedTrainer.Mode mode : DistributedTrainer.Mode.values()) {
            String name = "two_" + mode.name().toLowerCase();
            SqlnnSpark.train(digits(2), name, SETTLED, SqlnnSpark.Target.url(url), new DistributedTrainer.Sync(mode, 0));
        }
        scalar("SELECT ML_TRAIN('single', 'SELECT image, label FROM digits ORDER BY id', '" + SETTLED + "')");
        double single = accuracy("single");
        for (String name : List.of("two_average", "two_gradients")) {
            double distributed = accuracy(name);
            System.out.println(name + " " + distributed + " single " + single);
            assertTrue(Math.abs(distributed - single) <= 0.01 || distributed > single,
                    name + ": " + distributed + " against " + single + " on one node");
        }

        Dataset<Row> test = spark.read().jdbc(url, "(SELECT id, image, label FROM digits_test) q", new Properties());
        test.createOrReplaceTempView("digits_test");
        SqlnnSpark.registerFunctions(spark, url, "two_average", "single@1");
        // A version by number: the H2 model trained above, scored on the executors as in H2.
        assertEquals(scalar("SELECT PREDICT('single', image) FROM digits_test WHERE id = 7"),
                spark.sql("SELECT sqlnn_predict('single@1', image) FROM digits_test WHERE id = 7").first().getInt(0));
        SQLException unknown = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> SqlnnSpark.registerFunctions(spark, url, "single@9"));
        assertEquals("42704", unknown.getSQLState(), unknown.getMessage());
        List<Row> fromSpark = spark.sql("SELECT id, sqlnn_predict('two_average', image) AS p,"
                + " sqlnn_predict_proba('two_average', image) AS proba FROM digits_test ORDER BY id").collectAsList();
        List<Row> batched = SqlnnSpark.predict(test, url, "two_average").orderBy("id").collectAsList();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, PREDICT('two_average', image), PREDICT_PROBA('two_average', image),"
                     + " label FROM digits_test ORDER BY id")) {
            int i = 0;
            while (rs.next()) {
                Row row = fromSpark.get(i);
                assertEquals(rs.getInt(1), row.getInt(0));
                assertEquals(rs.getInt(2), row.getInt(1), "row " + rs.getInt(1));
                Object[] h2Proba = (Object[]) rs.getArray(3).getArray();
                List<Object> sparkProba = row.getList(2);
                for (int k = 0; k < h2Proba.length; k++) {
                    assertEquals(Float.floatToIntBits((Float) h2Proba[k]), Float.floatToIntBits((Float) sparkProba.get(k)),
                            "bit for bit: row " + rs.getInt(1) + ", class " + k);
                }
                assertEquals(rs.getInt(2), (int) batched.get(i).<Integer>getAs("prediction"), "the batched transform, row " + rs.getInt(1));
                i++;
            }
            assertEquals(2000, i);
        }
    }

    private static double accuracy(String model) throws SQLException {
        return ((Number) scalarObject("SELECT SCORE FROM ML_EVALUATE('" + model + "', 'SELECT image, label FROM digits_test')"
                + " WHERE METRIC = 'accuracy'")).doubleValue();
    }

    private static byte[] weights(String model) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT WEIGHTS FROM SQLNN.MODELS WHERE NAME = '" + model + "'")) {
            assertTrue(rs.next(), model);
            return rs.getBytes(1);
        }
    }

    private static long scalar(String sql) throws SQLException {
        return ((Number) scalarObject(sql)).longValue();
    }

    private static String text(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static Object scalarObject(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getObject(1);
        }
    }

    @Test
    void badRowsAreMlTrainsErrorsAndSaveNothing() throws SQLException {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("a", org.apache.spark.sql.types.DataTypes.DoubleType)
                .add("flag", org.apache.spark.sql.types.DataTypes.BooleanType)
                .add("y", org.apache.spark.sql.types.DataTypes.IntegerType);
        List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create(1.0, true, 1),
                org.apache.spark.sql.RowFactory.create(2.0, false, null));
        Dataset<Row> frame = spark.createDataFrame(rows, schema);
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> SqlnnSpark.train(frame, "bad", "{}", url));
        assertEquals("22023", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().matches("(?s)ML_TRAIN: partition [01]: feature column flag has type BOOLEAN.*"), e.getMessage());
        assertTrue(e.getMessage().contains("text columns need ML_TRAIN for now"), e.getMessage());

        e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> SqlnnSpark.train(frame.drop("flag"), "bad", "{}", url));
        assertEquals("22023", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("has a NULL label in column y"), e.getMessage());

        e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> SqlnnSpark.train(frame.drop("flag"), "bad name!", "{}", url));
        assertEquals("22023", e.getSQLState(), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> SqlnnSpark.train(frame.drop("flag"), "bad", "{\"epochs\":0}", url));
        assertEquals("22023", e.getSQLState(), e.getMessage());
        assertEquals(0, scalar("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'bad'"));
        assertEquals(0, scalar("SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS WHERE NAME = 'bad'"));
    }
}

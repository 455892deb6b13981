package dev.sqlnn.spark;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.model.DistributedTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a real standalone cluster (a master and two one-core workers, separate JVMs on 127.0.0.1), trained
 * from this JVM as the driver: the executors are JVMs of their own and compute with the Vector API; the
 * model saved into H2 is as good as {@code ML_TRAIN}'s and scores alike in H2 and in Spark; an executor
 * killed during the training leaves a correct model, a cancelled job leaves nothing.
 */
class SparkClusterTest {

    private static final String OPTIONS = "{\"hidden\":[64],\"epochs\":8,\"seed\":3}";

    private static StandaloneCluster cluster;
    private static SparkSession spark;
    private static String url;
    private static Connection connection;
    private static Dataset<Row> digits;

    @BeforeAll
    static void start() throws Exception {
        cluster = StandaloneCluster.start(2, 1, "1g");
        spark = cluster.session("sqlnn-cluster-test", "900m");
        url = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        connection = DriverManager.getConnection(url);
        Sqlnn.install(connection);
        IdxReader.Digits train = IdxReader.bundledDigits(true);
        IdxReader.Digits test = IdxReader.bundledDigits(false);
        IdxTable.write(connection, "DIGITS", train.images(), train.labels());
        IdxTable.write(connection, "DIGITS_TEST", test.images(), test.labels());
        digits = frame(train).repartition(2);
    }

    /** The digits as a DataFrame made on the driver: any executor can make its rows again after a loss. */
    static Dataset<Row> frame(IdxReader.Digits digits) {
        int width = digits.images().pixelsPerImage();
        List<Row> rows = new ArrayList<>(digits.count());
        for (int i = 0; i < digits.count(); i++) {
            byte[] image = Arrays.copyOfRange(digits.images().pixels(), i * width, (i + 1) * width);
            rows.add(RowFactory.create(i + 1, image, digits.labels()[i] & 0xFF));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("image", DataTypes.BinaryType)
                .add("label", DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema);
    }

    @AfterAll
    static void stop() throws SQLException {
        try {
            if (connection != null) {
                try (Statement s = connection.createStatement()) {
                    s.execute("SHUTDOWN");
                }
                connection.close();
            }
        } finally {
            if (spark != null) spark.stop();
            if (cluster != null) cluster.close();
        }
    }

    @Test
    void executorsAreJvmsOfTheirOwnWithTheVectorApi() {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> seen = context.parallelize(List.of(1, 2, 3, 4), 4)
                .map(i -> ProcessHandle.current().pid() + " " + dev.sqlnn.nn.Engine.kernels().description())
                .collect();
        Set<String> pids = new HashSet<>();
        for (String s : seen) {
            pids.add(s.split(" ")[0]);
            assertTrue(s.contains("Vector API"), s);
        }
        assertFalse(pids.contains(Long.toString(ProcessHandle.current().pid())), "not in the driver's JVM");
        assertEquals(2, pids.size(), "two executors: " + seen);
    }

    @Test
    void trainsOnTheClusterAsWellAsMlTrainAndScoresAlike() throws SQLException {
        long version = SqlnnSpark.train(digits.select("image", "label"), "cluster", OPTIONS, url);
        assertEquals(1, version);
        scalar("SELECT ML_TRAIN('single', 'SELECT image, label FROM digits ORDER BY id', '" + OPTIONS + "')");
        double single = accuracy("single");
        double distributed = accuracy("cluster");
        assertTrue(distributed >= single - 0.01, distributed + " on the cluster, " + single + " on one node");

        SqlnnSpark.registerFunctions(spark, url, "cluster");
        frame(IdxReader.bundledDigits(false)).createOrReplaceTempView("digits_test");
        List<Row> fromSpark = spark.sql("SELECT id, sqlnn_predict('cluster', image) FROM digits_test ORDER BY id")
                .collectAsList();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, PREDICT('cluster', image) FROM digits_test ORDER BY id")) {
            for (Row row : fromSpark) {
                assertTrue(rs.next());
                assertEquals(rs.getInt(1), row.getInt(0));
                assertEquals(rs.getInt(2), row.getInt(1), "row " + rs.getInt(1));
            }
            assertFalse(rs.next());
        }
    }

    @Test
    void anExecutorKilledDuringTrainingLeavesACorrectModel() throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Long> executors = context.parallelize(List.of(1, 2), 2).map(i -> ProcessHandle.current().pid()).collect();
        CompletableFuture<Long> training = CompletableFuture.supplyAsync(() -> {
            try {
                return SqlnnSpark.train(digits.select("image", "label"), "survivor", OPTIONS,
                        SqlnnSpark.Target.url(url), new DistributedTrainer.Sync(DistributedTrainer.Mode.AVERAGE, 8));
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        });
        awaitEpochs("survivor", 1, training);
        ProcessHandle.of(executors.get(0)).orElseThrow().destroyForcibly();
        long version = training.get(5, TimeUnit.MINUTES);
        assertEquals(1, version);
        assertEquals(1, scalar("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'survivor'"));
        assertEquals(8, scalar("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'survivor'"));
        assertTrue(accuracy("survivor") > 0.85, "a trained model: " + accuracy("survivor"));
    }

    @Test
    void aCancelledJobSavesNothing() throws Exception {
        CompletableFuture<Long> training = CompletableFuture.supplyAsync(() -> {
            try {
                return SqlnnSpark.train(digits.select("image", "label"), "cancelled", OPTIONS,
                        SqlnnSpark.Target.url(url), new DistributedTrainer.Sync(DistributedTrainer.Mode.AVERAGE, 8));
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        });
        awaitEpochs("cancelled", 1, training);
        // As a user cancels from Spark's UI: the job running now. Between two of the training's jobs none is.
        while (!training.isDone()) {
            spark.sparkContext().cancelAllJobs();
            Thread.sleep(20);
        }
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> training.get(2, TimeUnit.MINUTES)).getCause().getCause();
        SQLException e = (SQLException) failure;
        assertEquals("57014", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
        assertEquals(0, scalar("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'cancelled'"));
        assertEquals(0, scalar("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'cancelled'"));
    }

    /** Waits for the live log to show {@code epochs} epochs of a training that runs in another thread. */
    private static void awaitEpochs(String model, int epochs, CompletableFuture<?> training) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (scalar("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = '" + model + "'") < epochs) {
            if (training.isDone()) training.get(); // a failure shows here
            assertTrue(System.nanoTime() < deadline, "no epoch logged in 3 minutes");
            Thread.sleep(50); // the log is written by the training's side connection: nothing to wait on here
        }
    }

    private static double accuracy(String model) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT SCORE FROM ML_EVALUATE('"
                + model + "', 'SELECT image, label FROM digits_test') WHERE METRIC = 'accuracy'")) {
            assertTrue(rs.next());
            return rs.getDouble(1);
        }
    }

    private static long scalar(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }
}

package dev.sqlnn.spark;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.data.DataException;
import dev.sqlnn.data.DatasetPart;
import dev.sqlnn.data.JdbcDatasetReader;
import dev.sqlnn.data.Task;
import dev.sqlnn.model.DistributedTrainer;
import dev.sqlnn.model.Partitions;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.store.Installer;
import dev.sqlnn.store.ModelRegistry;
import dev.sqlnn.store.TrainingRun;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;

/**
 * sqlnn on Apache Spark, for tables that outgrow one machine.
 *
 * <ul>
 *   <li>{@link #train}: {@code ML_TRAIN} on a {@code Dataset<Row>}, computed in Spark's executors with
 *       sqlnn's kernels and saved as a new version into a sqlnn database (H2 or PostgreSQL), where
 *       {@code PREDICT} and every SQL function use it;</li>
 *   <li>{@link #registerFunctions}: {@code sqlnn_predict}, {@code sqlnn_predict_label},
 *       {@code sqlnn_predict_value} and {@code sqlnn_predict_proba} as Spark SQL functions;</li>
 *   <li>{@link #predict}: a DataFrame scored partition by partition in batches, as {@code ML_PREDICT}.</li>
 * </ul>
 *
 * Errors are {@link SQLException}s with sqlnn's SQLStates, as from the SQL functions.
 */
public final class SqlnnSpark {

    private static final String TRAIN = "ML_TRAIN";
    /** System error: the cluster failed the job (executors lost more often than Spark retries). */
    private static final String SPARK_FAILED = "58000";

    private SqlnnSpark() {
    }

    /** Where a trained model is saved: a connection to a sqlnn database (installed there if it is not yet). */
    @FunctionalInterface
    public interface Target {
        Connection connect() throws SQLException;

        static Target url(String jdbcUrl) {
            return () -> DriverManager.getConnection(jdbcUrl);
        }

        static Target of(javax.sql.DataSource dataSource) {
            return dataSource::getConnection;
        }
    }

    /** {@link #train(Dataset, String, String, Target, DistributedTrainer.Sync)} into the database at {@code jdbcUrl}, averaging once per epoch. */
    public static long train(Dataset<Row> rows, String model, String options, String jdbcUrl) throws SQLException {
        return train(rows, model, options, Target.url(jdbcUrl), DistributedTrainer.Sync.defaults());
    }

    /**
     * Trains a new version of {@code model} on {@code rows}, with {@code ML_TRAIN}'s options and its
     * rules for features (one BINARY column, one numeric ARRAY, or numeric columns) and labels (integer
     * or text classes, floating-point targets), one partition per Spark task; saves it with its metrics
     * and training log (each epoch's row committed as the epoch ends) and returns its version. Nothing is
     * saved when the training fails or its Spark job is cancelled.
     *
     * @param sync how the partitions' work is combined (see {@link DistributedTrainer})
     */
    public static long train(Dataset<Row> rows, String model, String options, Target target,
                             DistributedTrainer.Sync sync) throws SQLException {
        TrainingOptions parsed = SqlErrors.call(TRAIN, () -> {
            ModelRegistry.checkName(model);
            return TrainingOptions.parse(options);
        });
        JavaSparkContext context = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        int threads = context.getConf().getInt("spark.task.cpus", 1);
        Partitions<DatasetPart> parts = new SparkPartitions<>(context, read(rows, parsed.label(), parsed.task()));
        try (Connection connection = target.connect(); Connection side = target.connect()) {
            side.setAutoCommit(true);
            Installer.install(side);
            connection.setAutoCommit(false);
            try (TrainingRun run = new ModelRegistry(connection).startTraining(model, side)) {
                TrainedModel trained = call(() -> DistributedTrainer.train(parts, parsed, sync, threads, run));
                long version = SqlErrors.call(TRAIN, () -> run.save(trained));
                connection.commit();
                return version;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Each partition's rows read by {@code ML_TRAIN}'s rules where the partition is. */
    private static JavaRDD<DatasetPart> read(Dataset<Row> rows, String label, Task task) {
        StructType schema = rows.schema();
        return rows.javaRDD().mapPartitionsWithIndex((index, it) -> {
            try {
                return Collections.singletonList(JdbcDatasetReader.readPart(SparkRows.resultSet(schema, it), label, task))
                        .iterator();
            } catch (DataException e) {
                throw new DataException("partition " + index + ": " + e.getMessage());
            }
        }, true);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run();
    }

    /**
     * Runs a distributed step: an error that a task raised reaches the driver inside Spark's own
     * exception; the sqlnn error in it becomes the SQLException {@code ML_TRAIN} would raise.
     */
    private static <T> T call(Work<T> work) throws SQLException {
        try {
            return work.run();
        } catch (Exception e) { // Spark's own SparkException is checked, yet thrown undeclared
            RuntimeException cause = sqlnnCause(e);
            if (cause != null) throw SqlErrors.translate(TRAIN, cause);
            if (e instanceof org.apache.spark.SparkException spark) {
                boolean cancelled = String.valueOf(spark.getMessage()).contains("cancelled");
                throw new SQLException(TRAIN + ": " + (cancelled ? "the Spark job was cancelled" : "the Spark job failed")
                        + "; nothing was saved: " + spark.getMessage(), cancelled ? SqlErrors.CANCELED : SPARK_FAILED, e);
            }
            if (e instanceof RuntimeException runtime) throw SqlErrors.translate(TRAIN, runtime);
            throw new SQLException(TRAIN + ": " + e, SPARK_FAILED, e);
        }
    }

    /** The first exception among {@code e} and its causes that sqlnn raises for bad input, or null. */
    private static RuntimeException sqlnnCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: causes may cycle
            if (t instanceof IllegalArgumentException || t instanceof DataException
                    || t instanceof dev.sqlnn.data.HeapLimitException
                    || t instanceof dev.sqlnn.store.UnknownModelException) {
                return (RuntimeException) t;
            }
        }
        return null;
    }

    /**
     * Registers {@code sqlnn_predict(model, features)} (INT: an integer class), {@code sqlnn_predict_label}
     * (STRING), {@code sqlnn_predict_value} (DOUBLE: a regression's value) and {@code sqlnn_predict_proba}
     * (ARRAY&lt;FLOAT&gt;) in {@code spark}, for the given models of the database at {@code jdbcUrl}:
     * each {@code "name"} (its deployed version now) or {@code "name@version"}, read once here and sent
     * to every executor. {@code features} is a BINARY image or an ARRAY of numbers; NULL gives NULL.
     */
    public static void registerFunctions(SparkSession spark, String jdbcUrl, String... models) throws SQLException {
        SparkFunctions.register(spark, ModelBlobs.load(Target.url(jdbcUrl), models));
    }

    /**
     * {@code rows} with {@code prediction} (and, for a classifier, {@code probability}) added, scored by
     * the deployed version of {@code model} in the database at {@code jdbcUrl}, partition by partition in
     * batches, with the features found by name as {@code ML_PREDICT} finds them.
     */
    public static Dataset<Row> predict(Dataset<Row> rows, String jdbcUrl, String model) throws SQLException {
        return BatchPrediction.predict(rows, ModelBlobs.load(Target.url(jdbcUrl), model).only());
    }
}

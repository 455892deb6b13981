package dev.sqlnn.spark;

import dev.sqlnn.model.DistributedTrainer;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * {@code sqlnn spark train}: reads a query's rows through Spark's JDBC source in parallel partitions,
 * trains on Spark and saves the model into the database the rows came from. Takes and returns only
 * JDK types, so that the command line loads Spark only when this runs.
 */
public final class SparkTrainJob {

    /**
     * @param master          Spark's master URL: local[N], spark://host:port, yarn, k8s://...; null when the
     *                        session is configured already (spark-submit)
     * @param partitions      how many partitions to read the rows into (and train on)
     * @param partitionColumn a numeric column of the query by which the reads are split (and which is then
     *                        left out of the features); null: one read, then spread over {@code partitions}
     * @param sync            {@code average} or {@code gradients}
     * @param syncEvery       for {@code average}, batches between averagings (0: once per epoch)
     */
    public record Request(String master, String url, String model, String query, String options, int partitions,
                          String partitionColumn, String sync, int syncEvery) {
    }

    private SparkTrainJob() {
    }

    /** Runs the training; returns the saved version. */
    public static long run(Request request, PrintWriter out) throws SQLException {
        SparkSession.Builder builder = SparkSession.builder().appName("sqlnn train " + request.model());
        if (request.master() != null) {
            builder.master(request.master());
            // A cluster's executors need sqlnn's classes: the jar this runs from (the fat jar, with its libraries).
            if (!request.master().startsWith("local")) builder.config("spark.jars", ownJar());
        }
        String url = sharedUrl(request.url());
        SparkSession spark = builder.getOrCreate();
        try {
            Dataset<Row> rows = read(spark, url, request);
            out.println("Training " + request.model() + " on Spark (" + spark.sparkContext().master() + ", "
                    + rows.rdd().getNumPartitions() + " partitions) on the rows of: " + request.query());
            out.flush();
            DistributedTrainer.Mode mode = DistributedTrainer.Mode.valueOf(request.sync().toUpperCase(Locale.ROOT));
            return SqlnnSpark.train(rows, request.model(), request.options(), SqlnnSpark.Target.url(url),
                    new DistributedTrainer.Sync(mode, request.syncEvery()));
        } finally {
            if (request.master() != null) spark.stop();
        }
    }

    private static String ownJar() {
        try {
            return java.nio.file.Path.of(SparkTrainJob.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate sqlnn's jar", e);
        }
    }

    /**
     * An embedded H2 file is open in one JVM only: with AUTO_SERVER the first (this driver) serves it to
     * the executors' JVMs on this machine.
     */
    static String sharedUrl(String url) {
        boolean embeddedH2File = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")
                && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
        return embeddedH2File && !url.toUpperCase(Locale.ROOT).contains("AUTO_SERVER") ? url + ";AUTO_SERVER=TRUE" : url;
    }

    private static Dataset<Row> read(SparkSession spark, String url, Request request) throws SQLException {
        String query = dev.sqlnn.call.Arguments.withoutTrailingSemicolons(request.query());
        DataFrameReader reader = spark.read().format("jdbc").option("url", url).option("fetchsize", "1000");
        if (request.partitionColumn() == null) {
            Dataset<Row> rows = reader.option("query", query).load();
            return request.partitions() > 1 ? rows.repartition(request.partitions()) : rows;
        }
        long[] bounds = bounds(url, query, request.partitionColumn());
        Dataset<Row> rows = reader.option("dbtable", "(" + query + ") sqlnn_rows")
                .option("partitionColumn", request.partitionColumn())
                .option("lowerBound", Long.toString(bounds[0]))
                .option("upperBound", Long.toString(bounds[1] + 1))
                .option("numPartitions", Integer.toString(Math.max(1, request.partitions())))
                .load();
        // The column splits the reads; it is not a feature (the query selects it for Spark's WHERE clauses).
        return rows.drop(request.partitionColumn());
    }

    /** The smallest and largest value of the partition column, for Spark's strides. */
    private static long[] bounds(String url, String query, String column) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(" + column + "), MAX(" + column + ") FROM (" + query + ") sqlnn_rows")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}

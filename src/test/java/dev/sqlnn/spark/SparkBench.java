package dev.sqlnn.spark;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Figures for the README: sqlnn on Spark against MLlib's MultilayerPerceptronClassifier on Fashion-MNIST
 * (Debian's dataset-fashion-mnist), in local[1], local[2] and a standalone cluster of two one-core
 * workers, and single-node ML_TRAIN in H2 on the same rows. Per setting: rows/s of the best epoch, the
 * seconds of the shortest training (1, 2, 3... epochs, each from scratch) whose test accuracy reaches
 * the target, and its accuracy. Run by bench/spark-bench.
 */
public final class SparkBench {

    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final double TARGET = 0.87;

    public static void main(String[] args) throws Exception {
        String options = args.length > 0 ? args[0] : "{\"hidden\":[128],\"batch_size\":128,\"learning_rate\":0.003,\"seed\":1}";
        int maxEpochs = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean mllib = args.length <= 2 || !args[2].equals("--no-mllib");
        IdxReader.Digits train = read("train");
        IdxReader.Digits test = read("t10k");
        String url = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
        try (Connection h2 = DriverManager.getConnection(url)) {
            Sqlnn.install(h2);
            IdxTable.write(h2, "FASHION", train.images(), train.labels());
            IdxTable.write(h2, "FASHION_TEST", test.images(), test.labels());
            System.out.printf(Locale.ROOT, "sqlnn options %s; target %.0f%% test accuracy; %s%n", options, TARGET * 100,
                    dev.sqlnn.nn.Engine.describe());
            report("ML_TRAIN (H2, one JVM)", h2, maxEpochs, e -> {
                try (Statement s = h2.createStatement()) {
                    s.execute("SELECT ML_TRAIN('h2_" + e + "', 'SELECT image, label FROM fashion ORDER BY id', '"
                            + withEpochs(options, e) + "')");
                }
                return "h2_" + e;
            });
            for (String master : List.of("local[1]", "local[2]", "cluster")) {
                StandaloneCluster cluster = master.equals("cluster") ? StandaloneCluster.start(2, 1, "2g") : null;
                SparkSession spark = cluster != null ? cluster.session("sqlnn-bench", "1500m") : LocalSpark.start(master);
                try {
                    int partitions = master.equals("local[1]") ? 1 : 2;
                    Dataset<Row> rows = frame(spark, train).repartition(partitions).cache();
                    rows.count();
                    String tag = master.replaceAll("[^a-z0-9]", "");
                    report("sqlnn on Spark " + master + (cluster != null ? " (2 workers x 1 core)" : ""), h2, maxEpochs, e -> {
                        String name = tag + "_" + e;
                        SqlnnSpark.train(rows, name, withEpochs(options, e), url);
                        return name;
                    });
                    if (master.equals("local[2]")) {
                        // The other way to combine: a gradient exchange per step, one epoch of it.
                        long start = System.nanoTime();
                        SqlnnSpark.train(rows, "gradients", withEpochs(options, 1), SqlnnSpark.Target.url(url),
                                new dev.sqlnn.model.DistributedTrainer.Sync(dev.sqlnn.model.DistributedTrainer.Mode.GRADIENTS, 0));
                        System.out.printf(Locale.ROOT, "%-50s one epoch in %5.1f s, test accuracy %.4f; %,.0f rows/s%n",
                                "  the same, sync gradients (an exchange per step)", (System.nanoTime() - start) / 1e9,
                                accuracy(h2, "gradients"), bestRowsPerSecond(h2, "gradients"));
                    }
                    if (mllib && master.equals("local[2]")) mllib(spark, train, test, partitions);
                    rows.unpersist();
                } finally {
                    spark.stop();
                    if (cluster != null) cluster.close();
                }
            }
        }
    }

    interface Training {
        String train(int epochs) throws Exception;
    }

    /** Trains 1, 2, ... epochs from scratch until the test accuracy reaches the target, then prints the line. */
    private static void report(String what, Connection h2, int maxEpochs, Training training) throws Exception {
        double seconds = Double.NaN;
        double accuracy = 0;
        String model = null;
        int epochs = 0;
        for (int e = 1; e <= maxEpochs; e++) {
            long start = System.nanoTime();
            model = training.train(e);
            seconds = (System.nanoTime() - start) / 1e9;
            accuracy = accuracy(h2, model);
            epochs = e;
            if (accuracy >= TARGET) break;
        }
        double rowsPerSecond = bestRowsPerSecond(h2, model);
        System.out.printf(Locale.ROOT, "%-50s %s %5.1f s, %d epochs, test accuracy %.4f; best epoch %,.0f rows/s%n", what,
                accuracy >= TARGET ? "reaches it in" : "misses it:  ", seconds, epochs, accuracy, rowsPerSecond);
    }

    private static void mllib(SparkSession spark, IdxReader.Digits train, IdxReader.Digits test, int partitions) {
        Dataset<Row> rows = vectors(spark, train).repartition(partitions).cache();
        rows.count();
        Dataset<Row> held = vectors(spark, test).cache();
        held.count();
        for (int[] layers : List.of(new int[] {784, 128, 10})) {
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier().setLayers(layers)
                    .setMaxIter(100).setSeed(1L).fit(rows);
            double seconds = (System.nanoTime() - start) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(model.transform(held));
            System.out.printf(Locale.ROOT, "%-50s %s %5.1f s, 100 L-BFGS iterations, test accuracy %.4f%n",
                    "MLlib MultilayerPerceptronClassifier " + Arrays.toString(layers) + " local[2]",
                    accuracy >= TARGET ? "reaches it in" : "misses it:  ", seconds, accuracy);
        }
        rows.unpersist();
        held.unpersist();
    }

    private static String withEpochs(String options, int epochs) {
        return options.replaceFirst("\\{", "{\"epochs\":" + epochs + ",");
    }

    private static double accuracy(Connection h2, String model) throws SQLException {
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery("SELECT SCORE FROM ML_EVALUATE('" + model
                + "', 'SELECT image, label FROM fashion_test') WHERE METRIC = 'accuracy'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static double bestRowsPerSecond(Connection h2, String model) throws SQLException {
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT MAX(ROWS_PER_SECOND) FROM SQLNN.TRAINING_LOG WHERE NAME = '" + model + "'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static IdxReader.Digits read(String prefix) throws IOException {
        try (InputStream images = Files.newInputStream(FASHION.resolve(prefix + "-images-idx3-ubyte.gz"));
             InputStream labels = Files.newInputStream(FASHION.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            return new IdxReader.Digits(IdxReader.readImages(images), IdxReader.readLabels(labels));
        }
    }

    private static Dataset<Row> frame(SparkSession spark, IdxReader.Digits digits) {
        int width = digits.images().pixelsPerImage();
        List<Row> rows = new ArrayList<>(digits.count());
        for (int i = 0; i < digits.count(); i++) {
            rows.add(RowFactory.create(Arrays.copyOfRange(digits.images().pixels(), i * width, (i + 1) * width),
                    digits.labels()[i] & 0xFF));
        }
        return spark.createDataFrame(rows, new StructType().add("image", DataTypes.BinaryType)
                .add("label", DataTypes.IntegerType));
    }

    /** MLlib's input: pixels / 255 as a vector, and the label as a double. */
    private static Dataset<Row> vectors(SparkSession spark, IdxReader.Digits digits) {
        int width = digits.images().pixelsPerImage();
        List<Row> rows = new ArrayList<>(digits.count());
        for (int i = 0; i < digits.count(); i++) {
            double[] x = new double[width];
            for (int p = 0; p < width; p++) x[p] = (digits.images().pixels()[i * width + p] & 0xFF) / 255.0;
            rows.add(RowFactory.create(Vectors.dense(x), (double) (digits.labels()[i] & 0xFF)));
        }
        return spark.createDataFrame(rows, new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType));
    }
}

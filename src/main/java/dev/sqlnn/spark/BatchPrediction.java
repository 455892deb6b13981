package dev.sqlnn.spark;

import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.model.QueryScorer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * {@code ML_PREDICT} on a DataFrame: each partition's rows read into batches and scored with the
 * batched kernels ({@link QueryScorer}, as H2's {@code ML_PREDICT}), its columns found by name.
 */
final class BatchPrediction {

    private BatchPrediction() {
    }

    static Dataset<Row> predict(Dataset<Row> rows, ModelBlobs.Blob blob) {
        Model model = ModelCodec.decode(blob.bytes()).named(blob.name(), blob.version()); // its outputs' types
        StructType in = rows.schema();
        for (String column : in.fieldNames()) {
            if (column.equalsIgnoreCase("prediction") || column.equalsIgnoreCase("probability")) {
                throw new IllegalArgumentException("ML_PREDICT: the DataFrame has a column named " + column
                        + ", which the prediction adds itself; rename it with withColumnRenamed");
            }
        }
        boolean classifier = model.isClassifier();
        StructType out = in.add("prediction", predictionType(model), true);
        if (classifier) out = out.add("probability", DataTypes.DoubleType, true);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        Broadcast<ModelBlobs.Blob> sent = context.broadcast(blob);
        String cacheKey = "predict/" + java.util.UUID.randomUUID();
        JavaRDD<Row> scored = rows.javaRDD().mapPartitions(it -> new Scored(
                ModelBlobs.decoded(cacheKey, sent.value()), in, it), true);
        return rows.sparkSession().createDataFrame(scored, out);
    }

    private static DataType predictionType(Model model) {
        return switch (model.predictionType()) {
            case INTEGER -> DataTypes.IntegerType;
            case BIGINT -> DataTypes.LongType;
            case TEXT -> DataTypes.StringType;
            case DOUBLE -> DataTypes.DoubleType;
        };
    }

    /** A partition's rows with their predictions, a batch at a time. */
    private static final class Scored implements Iterator<Row> {
        private final Model model;
        private final QueryScorer scorer;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final int width;

        Scored(Model model, StructType schema, Iterator<Row> rows) throws SQLException {
            this.model = model;
            this.width = schema.size();
            Row[] current = new Row[1];
            Iterator<Row> remembering = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    return current[0] = rows.next();
                }
            };
            this.scorer = new QueryScorer(model, SparkRows.resultSet(schema, remembering), rs -> new Object[] {current[0]},
                    null);
        }

        @Override
        public boolean hasNext() {
            if (!ready.isEmpty()) return true;
            try {
                int n = scorer.nextBatch();
                for (int i = 0; i < n; i++) ready.add(withPrediction(i));
            } catch (SQLException e) {
                throw new IllegalStateException("ML_PREDICT: " + e.getMessage(), e);
            }
            return !ready.isEmpty();
        }

        private Row withPrediction(int i) {
            Row row = (Row) scorer.values(i)[0];
            boolean classifier = model.isClassifier();
            Object[] values = new Object[width + (classifier ? 2 : 1)];
            for (int c = 0; c < width; c++) values[c] = row.get(c);
            if (scorer.scored(i)) {
                if (classifier) {
                    values[width] = model.classValue(scorer.predictedClass(i));
                    values[width + 1] = (double) scorer.probability(i);
                } else {
                    values[width] = scorer.predictedValue(i);
                }
            }
            return RowFactory.create(values);
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }
    }
}

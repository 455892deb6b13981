package dev.sqlnn.spark;

import dev.sqlnn.model.Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/** The Spark SQL functions {@code sqlnn_predict*}: H2's {@code PREDICT*} one row at a time, on the executors. */
final class SparkFunctions {

    private SparkFunctions() {
    }

    static void register(SparkSession spark, ModelBlobs blobs) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ModelBlobs> sent = context.broadcast(blobs);
        spark.udf().register("sqlnn_predict", (UDF2<String, Object, Integer>) (model, features) -> features == null ? null
                : sent.value().model(model, "sqlnn_predict").predictInteger(SparkRows.features(features, "sqlnn_predict")),
                DataTypes.IntegerType);
        spark.udf().register("sqlnn_predict_label", (UDF2<String, Object, String>) (model, features) -> features == null
                ? null : sent.value().model(model, "sqlnn_predict_label")
                        .predictLabel(SparkRows.features(features, "sqlnn_predict_label")),
                DataTypes.StringType);
        spark.udf().register("sqlnn_predict_value", (UDF2<String, Object, Double>) (model, features) -> features == null
                ? null : sent.value().model(model, "sqlnn_predict_value")
                        .predictValue(SparkRows.features(features, "sqlnn_predict_value")),
                DataTypes.DoubleType);
        spark.udf().register("sqlnn_predict_proba", (UDF2<String, Object, float[]>) (model, features) -> {
            if (features == null) return null;
            Model m = sent.value().model(model, "sqlnn_predict_proba");
            return m.predictProbabilities(SparkRows.features(features, "sqlnn_predict_proba"));
        }, DataTypes.createArrayType(DataTypes.FloatType, false));
    }
}

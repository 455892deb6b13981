/**
 * Front door on Apache Spark: trains a model on a {@code Dataset<Row>} across Spark's executors
 * ({@link dev.sqlnn.spark.SqlnnSpark#train}), saves it into a sqlnn database, and scores DataFrames
 * with stored models, as Spark SQL functions or a batched transform. Spark is not on sqlnn's class
 * path: only this package (and the command line's {@code spark} command, which calls it) uses it.
 */
package dev.sqlnn.spark;

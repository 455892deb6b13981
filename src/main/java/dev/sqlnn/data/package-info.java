/**
 * Training data: {@link dev.sqlnn.data.Dataset} holds the rows compactly (byte features stay bytes),
 * {@link dev.sqlnn.data.JdbcDatasetReader} fills one from a query's result set, and
 * {@link dev.sqlnn.data.Scaler} fits the {@link dev.sqlnn.data.Preprocessing} that is stored with a
 * model and applied unchanged at prediction.
 */
package dev.sqlnn.data;

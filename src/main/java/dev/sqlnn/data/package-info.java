/**
 * Training data: {@link dev.sqlnn.data.Dataset} holds the rows compactly (byte features stay bytes),
 * {@link dev.sqlnn.data.JdbcDatasetReader} fills one from a query's result set, and
 * {@link dev.sqlnn.data.Scaler} fits the {@link dev.sqlnn.data.Preprocessing} that is stored with a
 * model and applied unchanged at prediction. {@link dev.sqlnn.data.ImageAugmenter} shifts and rotates
 * training images. {@link dev.sqlnn.data.IdxTable} and {@link dev.sqlnn.data.CsvImporter} import IDX
 * and CSV files into new tables, for the SQL functions and the command line alike.
 * {@link dev.sqlnn.data.SqlTypes} says once what a JDBC column type means to sqlnn, and
 * {@link dev.sqlnn.data.TableName} is the one check of a table name sqlnn writes into SQL.
 */
package dev.sqlnn.data;

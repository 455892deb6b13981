/**
 * Models as rows: {@link dev.sqlnn.model.Model} (network + preprocessing + what the outputs mean),
 * its binary codec, the training of a model from a query's rows, and the store of versions,
 * deployments, training logs and runs in schema {@code SQLNN}, written with jOOQ for H2 and PostgreSQL.
 * Depends on eval, data and nn; knows nothing of SQL functions.
 */
package dev.sqlnn.model;

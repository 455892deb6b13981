/**
 * sqlnn: neural networks trained and scored inside an SQL database. {@link dev.sqlnn.Sqlnn#install}
 * installs the schema and functions; the packages below hold the layers, from {@code sql} and
 * {@code cli} at the top down to the {@code simd} kernels.
 */
package dev.sqlnn;

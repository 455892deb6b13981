/**
 * The front door inside PostgreSQL: the functions PL/Java runs in the calling backend's JVM
 * ({@link dev.sqlnn.pg.PgFunctions}, declared in schema {@code sqlnn} by {@code functions.sql}), the
 * models a backend keeps decoded ({@link dev.sqlnn.pg.BackendModels}), and the installer that loads
 * sqlnn's jars into the server ({@link dev.sqlnn.pg.PgInstaller}). Thin, like every front door: the
 * work is the model's and the store's.
 */
package dev.sqlnn.pg;

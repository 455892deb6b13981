/**
 * Models as rows of an H2 or PostgreSQL database, in schema {@code SQLNN}: versions, deployments,
 * training logs and runs ({@link dev.sqlnn.store.ModelStore}, written with jOOQ), the registry that
 * saves, deploys, drops and loads them ({@link dev.sqlnn.store.ModelRegistry}), the decoded-model
 * cache shared by every connection and the per-statement pins, live training runs, the one adapter
 * to H2's engine session ({@link dev.sqlnn.store.EmbeddedSession}), and the Flyway install
 * ({@link dev.sqlnn.store.Installer}). Works on the caller's connection and transaction.
 */
package dev.sqlnn.store;

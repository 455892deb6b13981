/**
 * The H2 front door: the functions that H2's {@code CREATE ALIAS} statements point at
 * ({@link dev.sqlnn.sql.Functions}, {@link dev.sqlnn.sql.TableFunctions},
 * {@link dev.sqlnn.sql.ImportFunctions}), with what only H2 needs: conversion of H2's values,
 * table-function columns, cancellation and the side session of a live training. Argument checks and
 * errors go through {@code dev.sqlnn.call}; no maths here.
 */
package dev.sqlnn.sql;

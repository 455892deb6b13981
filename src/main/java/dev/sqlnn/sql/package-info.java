/**
 * The SQL-facing functions that H2's {@code CREATE ALIAS} statements point at: argument checks,
 * conversion of SQL values, and the one place where errors become {@link java.sql.SQLException}s
 * with a SQLState. No maths here.
 */
package dev.sqlnn.sql;

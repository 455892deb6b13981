/**
 * What every front door ({@code sql}, {@code client}, and the PostgreSQL and Spark ones to come)
 * does alike with a call of one of sqlnn's SQL functions: the argument checks, and the one place
 * where the core's unchecked exceptions become {@link java.sql.SQLException}s with a SQLState
 * ({@link dev.sqlnn.call.SqlErrors}).
 */
package dev.sqlnn.call;

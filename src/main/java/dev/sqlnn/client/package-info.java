/**
 * The front door for databases that run no Java of their own (PostgreSQL without PL/Java): the same
 * engine as the H2 functions, in the client JVM, over JDBC ({@link dev.sqlnn.client.ClientFunctions},
 * behind {@link dev.sqlnn.Sqlnn} and the command line). Thin, like every front door: argument
 * checks, transactions and cursors, error mapping; the work is the model's and the store's.
 */
package dev.sqlnn.client;

/**
 * The {@code sqlnn} command line (picocli): the demo, and commands that open a database by JDBC URL,
 * install sqlnn into it and call its SQL functions.
 */
package dev.sqlnn.cli;

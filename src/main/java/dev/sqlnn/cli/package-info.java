/**
 * The {@code sqlnn} command line (picocli). Every command but {@code bench} opens a database by JDBC
 * URL, installs sqlnn into it and works as an SQL client of sqlnn's functions: {@code import} (IDX
 * or CSV files read here, through {@code dev.sqlnn.data}'s import API), {@code train}
 * ({@code ML_TRAIN}, with a live progress bar), {@code eval} ({@code ML_EVALUATE}), {@code predict}
 * ({@code ML_PREDICT}), {@code models} ({@code SQLNN.MODELS}), {@code report} (an HTML file, drawn
 * by {@link dev.sqlnn.cli.report}), {@code serve} (H2's TCP and PostgreSQL servers), {@code info},
 * and the {@code demo}. A failing command prints the database's message and SQLState and exits with 1.
 */
package dev.sqlnn.cli;

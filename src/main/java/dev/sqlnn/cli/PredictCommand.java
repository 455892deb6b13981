package dev.sqlnn.cli;

import dev.sqlnn.client.ClientFunctions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn predict}: the rows of a query with the model's {@code PREDICTION} and
 * {@code PROBABILITY} ({@code ML_PREDICT}), printed or written into a new table.
 */
@Command(name = "predict", description = "Score the rows of a query (ML_PREDICT); print them or write them into a table.")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", required = true, description = "Model name (its deployed version scores)")
    String model;

    @Option(names = "--query", required = true, description = "Rows to score; their columns are kept")
    String query;

    @Option(names = "--into", description = "Create this table with the scored rows instead of printing them")
    String into;

    @Option(names = "--limit", defaultValue = "100", description = "Rows to print at most, 0 for all (default: ${DEFAULT-VALUE})")
    long limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        String sql = Database.trimQuery(query);
        try (Connection c = Database.open(database.url)) {
            if (Database.isClientSide(database.url)) {
                scoreHere(c, out, sql);
            } else if (into != null) {
                // The table name is checked, since it goes into the SQL text.
                String create = "CREATE TABLE " + Database.checkTable(into) + " AS SELECT * FROM ML_PREDICT("
                        + literal(model) + ", " + literal(sql) + ")";
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(create);
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + into)) {
                    rs.next();
                    out.printf("Wrote %,d scored rows into %s%n", rs.getLong(1), into);
                }
            } else {
                // Literals, not parameters: H2 asks ML_PREDICT for its columns when it prepares the call,
                // and the columns depend on the query. Only the rows to print are scored (and one more, to
                // tell whether there are more): H2 fills a table function's result before it hands it over.
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT * FROM ML_PREDICT(" + literal(model) + ", "
                             + literal(firstRows(sql)) + ")")) {
                    TextTable.of(rs, limit).uncounted().print(out);
                }
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Scores in this JVM, for a database without in-server Java (PostgreSQL): into the table, created
     * or appended to, or into a temporary table whose first rows are printed.
     */
    private void scoreHere(Connection c, PrintWriter out, String sql) throws SQLException {
        if (into != null) {
            long rows = ClientFunctions.predictInto(c, model, sql, Database.checkTable(into));
            out.printf("Wrote %,d scored rows into %s%n", rows, into);
            return;
        }
        ClientFunctions.predictInto(c, model, firstRows(sql), "pg_temp.sqlnn_predicted");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM pg_temp.sqlnn_predicted")) {
            TextTable.of(rs, limit).uncounted().print(out);
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE pg_temp.sqlnn_predicted");
        }
    }

    /** The query cut to the rows that are printed and one more (to say that there are more); all of it for --limit 0. */
    private String firstRows(String sql) {
        return limit > 0 ? "SELECT * FROM (" + sql + ") AS scored_rows LIMIT " + (limit + 1) : sql;
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}

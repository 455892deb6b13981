package dev.sqlnn.cli;

import dev.sqlnn.client.ClientFunctions;
import dev.sqlnn.model.ModelEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sqlnn eval}: the metrics of {@code ML_EVALUATE} on the rows of a query, as a table. */
@Command(name = "eval", description = "Evaluate a model on the rows of a query (ML_EVALUATE).")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", required = true, description = "Model name (its deployed version is evaluated)")
    String model;

    @Option(names = "--query", required = true, description = "Rows to evaluate on: features, then the label, as in training")
    String query;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        String sql = Database.trimQuery(query);
        if (Database.isClientSide(database.url)) return evaluateHere(sql);
        try (Connection c = Database.open(database.url);
             PreparedStatement p = c.prepareStatement("SELECT METRIC, CLASS, SCORE FROM ML_EVALUATE(?, ?)")) {
            p.setString(1, model);
            p.setString(2, sql);
            TextTable table = new TextTable(List.of("METRIC", "CLASS", "SCORE"), List.of(false, false, true));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    double score = rs.getDouble(3);
                    String text = rs.wasNull() ? "" : rs.getString(1).equals("support")
                            ? String.format(Locale.ROOT, "%,.0f", score) : String.format(Locale.ROOT, "%.4f", score);
                    table.add(rs.getString(1), rs.getString(2), text);
                }
            }
            table.print(spec.commandLine().getOut());
        }
        return 0;
    }

    /** Evaluates in this JVM, for a database without in-server Java (PostgreSQL): the same figures. */
    private int evaluateHere(String sql) throws SQLException {
        TextTable table = new TextTable(List.of("METRIC", "CLASS", "SCORE"), List.of(false, false, true));
        try (Connection c = Database.open(database.url)) {
            for (ModelEvaluation.Metric m : ClientFunctions.evaluate(c, model, sql).metrics()) {
                String text = Double.isNaN(m.score()) ? "" : m.name().equals("support")
                        ? String.format(Locale.ROOT, "%,.0f", m.score()) : String.format(Locale.ROOT, "%.4f", m.score());
                table.add(m.name(), m.className(), text);
            }
        }
        table.print(spec.commandLine().getOut());
        return 0;
    }
}

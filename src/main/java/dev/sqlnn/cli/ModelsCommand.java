package dev.sqlnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code sqlnn models}: the versions in {@code SQLNN.MODELS}, which is deployed, their layers and key metrics. */
@Command(name = "models", description = "List model versions: deployed flag, layers, key metrics (SQLNN.MODELS).",
        subcommands = {ModelsCopyCommand.class, ModelsExportCommand.class, ModelsImportCommand.class})
final class ModelsCommand implements Callable<Integer> {

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", description = "Only this model's versions")
    String model;

    @Spec
    CommandSpec spec;

    private record Version(String name, long version, boolean deployed, String task, String layers, long rows,
                           double seconds, OffsetDateTime created, Map<String, Double> metrics) {
    }

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        List<Version> versions = new ArrayList<>();
        try (Connection c = Database.open(database.url);
             PreparedStatement p = c.prepareStatement("SELECT NAME, VERSION, DEPLOYED, TASK, LAYERS, TRAIN_ROWS, "
                     + "TRAIN_SECONDS, CREATED_AT, METRICS FROM SQLNN.MODELS WHERE ? IS NULL OR NAME = ? "
                     + "ORDER BY NAME, VERSION")) {
            p.setString(1, model);
            p.setString(2, model);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    versions.add(new Version(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getDouble(7), rs.getObject(8, OffsetDateTime.class),
                            Metrics.numbers(rs.getString(9))));
                }
            }
        }
        if (versions.isEmpty()) {
            if (model != null) throw new CommandFailure("there is no model named " + model + " in " + database.url
                    + "; list them all with: sqlnn models");
            out.println("No models yet in " + database.url + "; train one with: sqlnn train --model NAME --query 'SELECT ...'");
            return 0;
        }
        table(versions).print(out);
        out.println("DEPLOYED *: the version PREDICT(model, ...) uses. Metrics on each version's validation rows.");
        out.flush();
        return 0;
    }

    private static TextTable table(List<Version> versions) {
        Set<String> shown = new LinkedHashSet<>();
        for (String key : Metrics.KEY_METRICS) {
            if (versions.stream().anyMatch(v -> v.metrics().containsKey(key))) shown.add(key);
        }
        List<String> headers = new ArrayList<>(List.of("NAME", "VERSION", "DEPLOYED", "TASK", "LAYERS", "ROWS", "SECONDS"));
        headers.addAll(shown.stream().map(String::toUpperCase).toList());
        headers.add("CREATED");
        List<Boolean> numeric = new ArrayList<>(List.of(false, true, false, false, false, true, true));
        shown.forEach(k -> numeric.add(true));
        numeric.add(false);
        TextTable table = new TextTable(headers, numeric);
        for (Version v : versions) {
            List<Object> row = new ArrayList<>(List.of(v.name(), v.version(), v.deployed() ? "*" : "", v.task(),
                    v.layers(), v.rows(), String.format(java.util.Locale.ROOT, "%.1f", v.seconds())));
            for (String key : shown) {
                Double m = v.metrics().get(key);
                row.add(m == null ? "" : String.format(java.util.Locale.ROOT, "%.4f", m));
            }
            row.add(v.created() == null ? "" : CREATED.format(v.created()));
            table.add(row.toArray());
        }
        return table;
    }
}

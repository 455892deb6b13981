package dev.sqlnn.cli;

import dev.sqlnn.cli.report.ReportData;
import dev.sqlnn.cli.report.ReportPage;
import dev.sqlnn.cli.report.ReportQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn report}: one self-contained HTML file on a model: training curves, the metrics on a
 * query, its confusion matrix and ROC curves, its versions side by side, and for image models the
 * first rows of the query as pictures with their predictions.
 */
@Command(name = "report", description = "Write an HTML report on a model: curves, confusion matrix, ROC, versions, sample images.")
final class ReportCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--model", required = true, description = "Model name")
    String model;

    @Option(names = "--version", description = "Version to report on (default: the deployed one)")
    Long version;

    @Option(names = "--query", required = true, description = "Rows to evaluate on: features, then the label, as in training")
    String query;

    @Option(names = "--out", defaultValue = "report.html", description = "HTML file to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--images", defaultValue = "40", description = "Rows of an image model to show as pictures (default: ${DEFAULT-VALUE})")
    int images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException, IOException {
        long start = System.nanoTime();
        ReportData data;
        Database.requireFunctions(database.url, "report");
        try (Connection c = Database.open(database.url)) {
            data = ReportQueries.load(c, model, version, Database.trimQuery(query), images);
        }
        Path file = out.toAbsolutePath();
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, ReportPage.render(data), StandardCharsets.UTF_8);
        spec.commandLine().getOut().printf("Wrote %s (%s version %d, %.1f s); open it in a browser: file://%s%n",
                out, model, data.version().version(), (System.nanoTime() - start) / 1e9, file);
        spec.commandLine().getOut().flush();
        return 0;
    }
}

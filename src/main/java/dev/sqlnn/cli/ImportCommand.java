package dev.sqlnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn import}: loads IDX images and labels (MNIST's format, gzipped or not) or a CSV file
 * into a table, through {@code ML_IMPORT_IDX} and {@code ML_IMPORT_CSV}. The database reads the
 * files, so their paths are passed as absolute paths.
 */
@Command(name = "import", description = "Import IDX images and labels (ML_IMPORT_IDX) or a CSV file (ML_IMPORT_CSV) into a table.")
final class ImportCommand implements Callable<Integer> {

    @Option(names = "--url", description = "JDBC URL (default: ${DEFAULT-VALUE})", defaultValue = Database.DEFAULT_URL)
    String url;

    @Option(names = "--table", required = true, description = "Table to create")
    String table;

    @Option(names = "--images", description = "IDX image file, e.g. train-images-idx3-ubyte.gz")
    File images;

    @Option(names = "--labels", description = "IDX label file, e.g. train-labels-idx1-ubyte.gz")
    File labels;

    @Option(names = "--csv", description = "CSV file with a header row")
    File csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = spec.commandLine().getOut();
        boolean idx = images != null || labels != null;
        if (idx == (csv != null)) {
            throw new CommandFailure("give either --images and --labels (IDX) or --csv, with --table");
        }
        if (idx && (images == null || labels == null)) {
            throw new CommandFailure("IDX import needs both --images and --labels");
        }
        long start = System.nanoTime();
        Object rows;
        try (Connection c = Database.open(url)) {
            rows = idx ? call(c, "SELECT ML_IMPORT_IDX(?, ?, ?)", table, path(images), path(labels))
                    : call(c, "SELECT ML_IMPORT_CSV(?, ?)", table, path(csv));
        }
        out.printf("Imported %s rows into %s (%.1f s)%n", rows instanceof Number n ? String.format("%,d", n.longValue()) : rows,
                table, (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    /** The path the database should read: absolute when the file is here; a server's own path is passed as given. */
    private String path(File file) {
        if (file.isFile()) return file.getAbsolutePath();
        if (Database.isInProcess(url)) throw new CommandFailure("no such file: " + file);
        return file.getPath();
    }

    private static Object call(Connection c, String sql, String... arguments) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) p.setString(i + 1, arguments[i]);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }
}

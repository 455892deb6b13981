package dev.sqlnn.cli;

import dev.sqlnn.data.CsvImporter;
import dev.sqlnn.data.IdxTable;
import dev.sqlnn.data.TableExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn import}: loads IDX images and labels (MNIST's format, gzipped or not) or a CSV file
 * into a new table. The files are read here, on the command's machine, and their rows sent over the
 * connection ({@code dev.sqlnn.data}'s import API, which {@code ML_IMPORT_IDX} and
 * {@code ML_IMPORT_CSV} also use); so it works on a database server too, which those SQL functions
 * would read its own files on.
 */
@Command(name = "import", description = "Import IDX images and labels, or a CSV file with a header line, into a new table.")
final class ImportCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--table", required = true, description = "Table to create, e.g. DIGITS or MYSCHEMA.DIGITS")
    String table;

    @Option(names = "--images", description = "IDX image file, e.g. train-images-idx3-ubyte.gz: table (ID, IMAGE, LABEL)")
    Path images;

    @Option(names = "--labels", description = "IDX label file, e.g. train-labels-idx1-ubyte.gz (without it: no LABEL column)")
    Path labels;

    @Option(names = "--csv", description = "CSV file (UTF-8, header line): columns typed by content")
    Path csv;

    @Option(names = "--replace", description = "Drop and re-create the table if it exists (default: refuse)")
    boolean replace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        if ((images != null) == (csv != null)) {
            throw new CommandFailure("give either --images (and usually --labels) for IDX files, or --csv, with --table");
        }
        if (labels != null && images == null) throw new CommandFailure("--labels goes with --images");
        long start = System.nanoTime();
        int rows;
        try (Connection c = Database.open(database.url)) {
            rows = images != null ? IdxTable.importFiles(c, table, images, labels, replace)
                    : CsvImporter.importFile(c, table, csv, replace);
        } catch (TableExistsException e) {
            throw new CommandFailure("table " + e.table() + " already exists; pass --replace to drop and re-create it,"
                    + " or choose another --table");
        }
        out.printf("Imported %,d rows into %s (%.1f s)%n", rows, table, (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }
}

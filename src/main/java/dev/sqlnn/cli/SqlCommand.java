package dev.sqlnn.cli;

import dev.sqlnn.call.SqlErrors;
import org.h2.tools.Shell;
import org.h2.util.ScriptReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn sql}: SQL on a database with sqlnn installed, in this JVM (which holds the classes
 * behind sqlnn's functions, on a Java that runs them): the statements of a file ({@code -f}) or of
 * the command line ({@code -c}), printing each query's rows and stopping at the first error; without
 * either, H2's interactive shell.
 */
@Command(name = "sql", description = "Run SQL with sqlnn installed: a script (-f), statements (-c), or an"
        + " interactive SQL prompt (H2's shell) without either.")
final class SqlCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Run the statements of this SQL file")
        Path file;

        @Option(names = {"-c", "--command"}, paramLabel = "SQL", description = "Run these statements (separated by ;)")
        String command;
    }

    @Option(names = "--limit", defaultValue = "100",
            description = "Rows to print of each query at most, 0 for all (default: ${DEFAULT-VALUE})")
    long limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        String script = null;
        String origin = null;
        if (source != null && source.file != null) {
            try {
                script = Files.readString(source.file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CommandFailure("there is no file " + source.file.toAbsolutePath());
            }
            origin = source.file.toString();
        } else if (source != null) {
            script = source.command;
            origin = "-c";
        }
        try (Connection c = Database.open(database.url)) {
            if (script == null) {
                shell(c, out);
            } else {
                run(c, script, origin, out);
            }
        }
        out.flush();
        return 0;
    }

    /** The statements one by one, as a script reader splits them (comments, quotes and $$ kept whole). */
    private void run(Connection c, String script, String origin, PrintWriter out) throws SQLException {
        ScriptReader reader = new ScriptReader(new StringReader(script));
        reader.setSkipRemarks(true);
        int number = 0;
        for (String sql = reader.readStatement(); sql != null; sql = reader.readStatement()) {
            if (sql.isBlank()) continue;
            number++;
            try (Statement s = c.createStatement()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        TextTable.of(rs, limit).print(out);
                    }
                    out.println();
                }
            } catch (SQLException e) {
                out.flush();
                // The database's message and SQLState, then which statement it was; nothing after it runs.
                throw new CommandFailure(SqlErrors.message(e) + " (SQLState " + e.getSQLState() + ")"
                        + System.lineSeparator() + "  in statement " + number + " of " + origin + " (none after it ran): "
                        + firstLine(sql));
            }
        }
    }

    private static String firstLine(String sql) {
        String line = sql.strip().lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 100) + "..." : line;
    }

    /** H2's shell on this connection: reads statements from standard input until {@code exit} or its end. */
    private static void shell(Connection c, PrintWriter out) throws SQLException {
        Shell shell = new Shell();
        shell.setOut(new PrintStream(new LinesTo(out), true, StandardCharsets.UTF_8));
        shell.setIn(System.in);
        shell.runTool(c);
    }

    /** The shell's output (a stream of UTF-8 bytes) into the command's writer, a line or a flush at a time. */
    private static final class LinesTo extends java.io.OutputStream {
        private final PrintWriter out;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LinesTo(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') flush();
        }

        @Override
        public void flush() {
            out.write(line.toString(StandardCharsets.UTF_8));
            out.flush();
            line.reset();
        }
    }
}

package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of the {@code sqlnn} command line. */
@Command(name = "sqlnn", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Train and score neural networks inside your SQL database.",
        subcommands = {DemoCommand.class, InstallCommand.class, ImportCommand.class, TrainCommand.class, EvalCommand.class,
                PredictCommand.class, ModelsCommand.class, ReportCommand.class, ServeCommand.class,
                InfoCommand.class, BenchCommand.class, LoadCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /**
     * A command line user wants sqlnn's output, not the libraries' start-up chatter. Held in a field:
     * java.util.logging forgets the level of a logger nobody references.
     */
    private static final java.util.List<java.util.logging.Logger> QUIET = java.util.List.of(
            java.util.logging.Logger.getLogger("org.flywaydb"), java.util.logging.Logger.getLogger("org.jooq"));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * jOOQ's open-source edition warns once that a PostgreSQL older than its newest is "not supported";
     * the few plain statements sqlnn's model store writes run on PostgreSQL 15 and later (tested).
     */
    private static final java.util.logging.Logger JOOQ_VERSION_CHECK =
            java.util.logging.Logger.getLogger("org.jooq.impl.DefaultExecuteContext");

    public static void main(String[] args) {
        // jOOQ's banner and "tip of the day": this JVM is the command line's own, so it may say no to them.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        JOOQ_VERSION_CHECK.setLevel(java.util.logging.Level.SEVERE);
        System.exit(run(args));
    }

    /** Runs a command line on the process's standard output and error, and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with its output and errors going to the given writers (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(new Failures())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sqlnn " + dev.sqlnn.Sqlnn.version()};
        }
    }
}

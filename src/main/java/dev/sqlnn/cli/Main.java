package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Entry point of the {@code sqlnn} command line. */
@Command(name = "sqlnn", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Train and score neural networks inside your SQL database.",
        subcommands = {DemoCommand.class, InstallCommand.class, SqlCommand.class, ImportCommand.class, TrainCommand.class, EvalCommand.class,
                PredictCommand.class, ModelsCommand.class, ReportCommand.class, ServeCommand.class,
                InfoCommand.class, BenchCommand.class, LoadCommand.class, SparkCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Also print the libraries' INFO log lines (default: warnings only)")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        quietLogs(java.util.Arrays.asList(args).contains("--verbose"));
        System.exit(run(args));
    }

    /**
     * A command line user wants sqlnn's output, not the libraries' chatter: SLF4J's simple backend
     * (this program's, not the library's) at WARN, or INFO with {@code --verbose}, one plain line a
     * message; no jOOQ banner. Set before anything logs: the backend reads them once.
     */
    static void quietLogs(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
        // jOOQ warns that the PostgreSQL it talks to is older than its newest dialect: sqlnn's few
        // statements are tested on PostgreSQL 15, so that warning is noise even in --verbose.
        System.setProperty("org.slf4j.simpleLogger.log.org.jooq.impl.DefaultExecuteContext", "error");
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
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

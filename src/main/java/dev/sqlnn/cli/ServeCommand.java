package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import org.h2.tools.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code sqlnn serve}: serves an H2 file database with sqlnn installed over H2's TCP protocol (JDBC)
 * and the PostgreSQL wire protocol (psql, any PostgreSQL driver), from this JVM, which holds the
 * classes behind sqlnn's functions. Runs until interrupted.
 *
 * <p>H2's PostgreSQL server needs the database opened in PostgreSQL mode (only then does H2 create
 * {@code pg_catalog}), and the mode of an H2 database is set by whoever opens it first. So the
 * database is first opened on its own to install or upgrade sqlnn (Flyway's migrations are written
 * for H2's regular mode) and to set the password of the served user, then reopened in PostgreSQL mode
 * through the TCP server by a connection that stays open while serving, so that every later client,
 * JDBC or psql, shares that database and its mode.
 */
@Command(name = "serve", description = "Serve a database with sqlnn over H2's TCP (JDBC) and PostgreSQL (psql) protocols.")
final class ServeCommand implements Callable<Integer> {

    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** A file name without a directory: letters, digits, {@code _ - .}, as {@code sqlnn-demo}. */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
    private static final String PASSWORD_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    @Option(names = "--base-dir", defaultValue = ".", description = "Directory of the served databases (default: ${DEFAULT-VALUE})")
    Path baseDir;

    @Option(names = "--database", defaultValue = "sqlnn",
            description = "Database to serve: <base-dir>/<database>.mv.db, created if missing (default: ${DEFAULT-VALUE}, "
                    + "the database of the other commands' default --url)")
    String database;

    @Option(names = "--tcp-port", defaultValue = "9092", description = "H2 TCP (JDBC) port (default: ${DEFAULT-VALUE})")
    int tcpPort;

    @Option(names = "--pg-port", defaultValue = "5435", description = "PostgreSQL protocol port (default: ${DEFAULT-VALUE})")
    int pgPort;

    @Option(names = "--user", defaultValue = "sa", description = "User that clients log in as (default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--password", description = "That user's password, set at every start (default: a random one, printed)")
    String password;

    @Option(names = "--allow-others", description = "Accept connections from other computers (default: this machine only)")
    boolean allowOthers;

    @Option(names = "--web", description = "Also serve H2's web console, to run ML_TRAIN, PREDICT and ML_EVALUATE from a browser")
    boolean web;

    @Option(names = "--web-port", defaultValue = "8082", description = "The web console's port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int webPort;

    @Spec
    CommandSpec spec;

    private boolean passwordGiven;

    /**
     * Whether {@link #prepare} replaced the empty password of {@code sa}, the other commands' login,
     * which the servers then give back when they stop.
     */
    private boolean restoreEmptyPassword;

    @Override
    public Integer call() throws SQLException, java.io.IOException {
        if (!allowOthers && System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1"); // read once, when H2 first needs it
        }
        if (!USER.matcher(user).matches()) throw new CommandFailure("--user must be a plain identifier; got '" + user + "'");
        if (!DATABASE.matcher(database).matches() || database.endsWith(".mv.db")) {
            throw new CommandFailure("--database must be the name of a database file in --base-dir, without its .mv.db,"
                    + " such as sqlnn or sqlnn-demo; got '" + database + "'");
        }
        passwordGiven = password != null;
        if (password == null) password = randomPassword();
        if (password.isEmpty()) throw new CommandFailure("--password must not be empty: psql cannot send an empty password");
        Path base = baseDir.toAbsolutePath().normalize();
        Files.createDirectories(base);
        prepare(base);
        PrintWriter out = spec.commandLine().getOut();
        try (Served served = start(base)) {
            Thread hook = new Thread(served::close, "sqlnn-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            printHowToConnect(out, base);
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                out.println("Stopping.");
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook stops the servers
                }
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Opens the database in this JVM, installs or upgrades sqlnn, and gives the served user its password
     * and admin rights. Logs in as the other commands do ({@code sa} with an empty password, or the empty
     * user name of databases made before), else as the served user with the given password.
     *
     * <p>psql cannot send an empty password, so {@code sa} needs one while it is served; the servers give
     * it back its empty password when they stop ({@link Served#close}), so that the other commands and
     * H2's tools log in as before.
     */
    private void prepare(Path base) throws SQLException {
        String url = "jdbc:h2:file:" + base.resolve(database);
        try (Connection c = login(url); Statement s = c.createStatement()) {
            Sqlnn.install(c);
            String quoted = "'" + password.replace("'", "''") + "'";
            s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD " + quoted + " ADMIN");
            s.execute("ALTER USER " + user + " SET PASSWORD " + quoted);
            s.execute("ALTER USER " + user + " ADMIN TRUE");
        }
    }

    private Connection login(String url) throws SQLException {
        try {
            Connection c = Database.connect(url);
            restoreEmptyPassword = user.equalsIgnoreCase("sa") && "sa".equalsIgnoreCase(c.getMetaData().getUserName());
            return c;
        } catch (SQLException e) {
            if (!"28000".equals(e.getSQLState())) throw e; // not a wrong user or password
            try {
                return DriverManager.getConnection(url, user, password);
            } catch (SQLException again) {
                throw new SQLException("cannot log in to " + url + " as sa with an empty password, as the empty user, nor as "
                        + user + " with " + (passwordGiven ? "the given --password" : "a random password")
                        + ": if a serve was killed before it could give sa its empty password back, pass the password"
                        + " it printed with --password", again.getSQLState(), again);
            }
        }
    }

    /**
     * The servers (the web console last, when there is one) and the connection that keeps the database
     * open. Closing gives {@code sa} its empty password back, when serve replaced it, before the
     * database closes: at the end of {@code call}, or from the shutdown hook on Ctrl+C.
     */
    private record Served(List<Server> servers, Connection keeper, boolean restoreEmptyPassword, PrintWriter out)
            implements AutoCloseable {
        @Override
        public synchronized void close() {
            try {
                if (!keeper.isClosed()) {
                    if (restoreEmptyPassword) {
                        try (Statement s = keeper.createStatement()) {
                            s.execute("ALTER USER SA SET PASSWORD ''");
                        }
                        out.println("User sa has its empty password again.");
                        out.flush();
                    }
                    keeper.close();
                }
            } catch (SQLException e) {
                out.println("Could not give sa its empty password back: " + e.getMessage());
                out.flush();
            }
            servers.forEach(Server::stop);
        }
    }

    private Served start(Path base) throws SQLException {
        List<String> tcp = new ArrayList<>(List.of("-tcpPort", Integer.toString(tcpPort), "-baseDir", base.toString()));
        List<String> pg = new ArrayList<>(List.of("-pgPort", Integer.toString(pgPort), "-baseDir", base.toString()));
        if (allowOthers) {
            tcp.add("-tcpAllowOthers");
            pg.add("-pgAllowOthers");
        }
        List<Server> servers = new ArrayList<>();
        try {
            servers.add(Server.createTcpServer(tcp.toArray(String[]::new)).start());
            servers.add(Server.createPgServer(pg.toArray(String[]::new)).start());
            if (web) {
                // Its saved login settings (no passwords) beside the databases, not in the user's home.
                List<String> console = new ArrayList<>(List.of("-webPort", Integer.toString(webPort), "-properties",
                        base.toString()));
                if (allowOthers) console.add("-webAllowOthers");
                Server webServer = Server.createWebServer(console.toArray(String[]::new)).start();
                webPort = webServer.getPort(); // the port taken, when 0 asked for any
                servers.add(webServer);
            }
            // DB_CLOSE_ON_EXIT=FALSE: on Ctrl+C H2's own shutdown hook would close the database before
            // Served.close gives sa its password back.
            Connection keeper = DriverManager.getConnection("jdbc:h2:tcp://127.0.0.1:" + tcpPort + "/" + database
                    + ";MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE", user, password);
            return new Served(servers, keeper, restoreEmptyPassword, spec.commandLine().getOut());
        } catch (SQLException | RuntimeException e) {
            servers.forEach(Server::stop);
            throw e;
        }
    }

    private void printHowToConnect(PrintWriter out, Path base) {
        String jdbc = "jdbc:h2:tcp://localhost:" + tcpPort + "/" + database;
        out.println("Serving " + base.resolve(database + ".mv.db") + " with sqlnn installed.");
        out.println();
        out.println("psql (PostgreSQL protocol, port " + pgPort + "):");
        out.println("  PGPASSWORD='" + password + "' psql -h localhost -p " + pgPort + " -U " + user + " " + database);
        out.println("  then e.g.  SELECT name, version, metrics FROM sqlnn.models;");
        out.println();
        out.println("JDBC (H2 TCP, port " + tcpPort + "): " + jdbc + "  user " + user + ", password " + password);
        out.println("sqlnn commands:  bin/sqlnn models --url '" + jdbc + ";USER=" + user + ";PASSWORD=" + password + "'");
        out.println();
        if (web) {
            out.println("H2 console (a browser): http://localhost:" + webPort + "/");
            out.println("  log in with JDBC URL " + jdbc + ", user " + user + ", password " + password
                    + ", then e.g.  SELECT * FROM SQLNN.MODELS;");
            out.println();
        }
        if (restoreEmptyPassword) {
            out.println("User sa has this password while serve runs (psql cannot send an empty one); when serve stops,"
                    + " sa gets its empty password back. If serve is killed (kill -9) it keeps it: pass it to the next"
                    + " serve with --password.");
        } else {
            out.println("User " + user + " keeps this password after serve stops.");
        }
        out.println((allowOthers ? "Accepting connections from other computers too." : "Accepting connections from this machine only.")
                + " Stop with Ctrl+C.");
        out.flush();
    }

    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) sb.append(PASSWORD_LETTERS.charAt(random.nextInt(PASSWORD_LETTERS.length())));
        return sb.toString();
    }
}

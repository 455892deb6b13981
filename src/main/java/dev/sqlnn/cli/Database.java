package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import dev.sqlnn.call.Arguments;
import dev.sqlnn.data.TableName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

/** Opens the database a command names and makes sure sqlnn is installed in it. */
final class Database {

    /** The default: an H2 file database {@code sqlnn.mv.db} in the working directory. */
    static final String DEFAULT_URL = "jdbc:h2:./sqlnn";

    private Database() {
    }

    static Connection open(String url) throws SQLException {
        Connection connection = connect(url);
        try {
            Sqlnn.install(connection);
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * A connection as the commands make it. On H2, as user {@code sa} with an empty password unless the
     * URL names a user, so that a database the command line creates opens in H2's console and other
     * tools with their default login; a database made for the empty user name (as sqlnn's command line
     * made them before) still opens.
     */
    static Connection connect(String url) throws SQLException {
        String u = url.toLowerCase(Locale.ROOT);
        if (!u.startsWith("jdbc:h2:") || u.contains(";user=")) return DriverManager.getConnection(url);
        try {
            return DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            if (!"28000".equals(e.getSQLState())) throw e; // not a wrong user or password
            try {
                return DriverManager.getConnection(url);
            } catch (SQLException asEmptyUser) {
                e.addSuppressed(asEmptyUser);
                throw e;
            }
        }
    }

    /**
     * The URL with the user that {@link #connect} logs in as, for other JVMs that open the database with
     * the URL alone (Spark's executors): an H2 URL gets {@code ;USER=sa;PASSWORD=} when that opens it.
     */
    static String withLogin(String url) throws SQLException {
        String u = url.toLowerCase(Locale.ROOT);
        if (!u.startsWith("jdbc:h2:") || u.contains(";user=")) return url;
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            return url + ";USER=sa;PASSWORD=";
        } catch (SQLException e) {
            if (!"28000".equals(e.getSQLState())) throw e;
            return url; // a database made for the empty user name
        }
    }

    /** A PostgreSQL URL as a DataSource (user and password may ride in the URL), for the installer's connections. */
    static javax.sql.DataSource dataSource(String url) {
        org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
        source.setURL(url);
        return source;
    }

    /**
     * Whether the database engine runs in this JVM, so that ML_TRAIN's progress can be watched
     * batch by batch ({@code jdbc:h2:file:}, {@code jdbc:h2:mem:}, {@code jdbc:h2:./x}...), rather
     * than behind a server ({@code jdbc:h2:tcp:}, {@code jdbc:h2:ssl:}, other databases).
     */
    static boolean isInProcess(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:tcp:") && !u.startsWith("jdbc:h2:ssl:");
    }

    /**
     * Whether the database runs no Java of its own (PostgreSQL), so that sqlnn trains and scores in
     * this JVM, over JDBC, rather than through SQL functions.
     */
    static boolean isClientSide(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    /**
     * Refuses a PostgreSQL URL for a command that needs sqlnn's SQL functions through H2 (the report's
     * queries are H2's), and says how to get there: copy the model into an H2 database.
     */
    static void requireFunctions(String url, String command) {
        if (!isClientSide(url)) return;
        throw new CommandFailure("this command reads the model through sqlnn's H2 functions; on PostgreSQL the"
                + " command line has import, train, predict, eval and models. Copy the model into an H2 database"
                + " first, then run " + command + " there: sqlnn models copy --from '" + url + "' --to jdbc:h2:./sqlnn"
                + " --model NAME");
    }

    /** H2's error code (and SQLState) for a database file that another process holds open. */
    private static final String IN_USE = "90020";
    /** H2's SQLState for a statement on an object the user has no rights on. */
    private static final String NO_RIGHTS = "90096";
    private static final java.util.regex.Pattern IN_USE_FILE = java.util.regex.Pattern.compile("\"([^\"]+)\\.mv\\.db\"");

    /**
     * What to do about an error, when sqlnn knows better than the database's message: an H2 file that
     * another process holds open is most likely the one {@code sqlnn serve} serves, which the
     * commands then reach through its TCP server.
     */
    static String hint(SQLException e) {
        if (NO_RIGHTS.equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("\"SQLNN.")) {
            return System.lineSeparator() + "sqlnn's tables are guarded by the database's grants: every command reads"
                    + " them (GRANT SELECT ON SCHEMA SQLNN TO ...), train also writes them (INSERT, UPDATE, DELETE);"
                    + " see README.md, section Rights.";
        }
        if (!IN_USE.equals(e.getSQLState())) return "";
        java.util.regex.Matcher file = IN_USE_FILE.matcher(String.valueOf(e.getMessage()));
        String name = file.find() ? java.nio.file.Path.of(file.group(1)).getFileName().toString() : "NAME";
        return System.lineSeparator() + "Another program holds the database open. If it is sqlnn serve, reach the"
                + " database through it, with the URL serve printed: --url 'jdbc:h2:tcp://localhost:9092/" + name
                + ";USER=sa;PASSWORD=...' (the port and password as serve printed them).";
    }

    /** Refuses a table name that is not a plain identifier, since it becomes part of the SQL text. */
    static String checkTable(String table) {
        if (!TableName.isPlain(table)) {
            throw new CommandFailure("a table name must be a plain identifier such as DIGITS or MYSCHEMA.DIGITS; got '"
                    + table + "'");
        }
        return table;
    }

    /** A query given on the command line, without the trailing semicolon a shell user may type. */
    static String trimQuery(String query) {
        String q = Arguments.withoutTrailingSemicolons(query);
        if (q.isEmpty()) throw new CommandFailure("the query is empty; pass a SELECT, e.g. --query 'SELECT image, label FROM digits'");
        return q;
    }
}

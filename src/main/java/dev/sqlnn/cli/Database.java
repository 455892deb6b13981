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
     * Refuses a PostgreSQL URL for a command that needs sqlnn's SQL functions, which only H2 has, and
     * says how to get there.
     */
    static void requireFunctions(String url, String command) {
        if (!isClientSide(url)) return;
        throw new CommandFailure("sqlnn " + command + " needs sqlnn's SQL functions, which run inside H2 only;"
                + " PostgreSQL has train, predict, eval, models and import. Copy the model to H2 first:"
                + " sqlnn models copy --from URL --to jdbc:h2:./sqlnn --model NAME");
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

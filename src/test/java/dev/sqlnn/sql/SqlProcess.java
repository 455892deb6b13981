package dev.sqlnn.sql;

import dev.sqlnn.Sqlnn;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A JVM of its own, started with a small heap by {@link ResourceLimitsSqlTest}: opens a private
 * in-memory database with sqlnn installed and runs each argument as a query, printing one line per
 * query, {@code ok <first value>} or {@code error <SQLState> <message>}, and {@code alive} at the end,
 * which an {@link OutOfMemoryError} would prevent.
 */
final class SqlProcess {

    private SqlProcess() {
    }

    public static void main(String[] queries) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:")) {
            dev.sqlnn.Sqlnn.install(connection);
            for (String query : queries) {
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
                    rs.next();
                    System.out.println("ok " + rs.getObject(1));
                } catch (SQLException e) {
                    System.out.println("error " + e.getSQLState() + " " + e.getMessage().replace('\n', ' '));
                }
            }
        }
        System.out.println("alive");
    }
}

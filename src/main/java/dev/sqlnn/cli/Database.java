package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens the database a command names and makes sure sqlnn is installed in it. */
final class Database {

    /** The default: an H2 file database {@code sqlnn.mv.db} in the working directory. */
    static final String DEFAULT_URL = "jdbc:h2:./sqlnn";

    private Database() {
    }

    static Connection open(String url) throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try {
            Sqlnn.install(connection);
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }
}

package dev.sqlnn.model;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Tells databases apart, so that models cached for one database are never served to another in
 * the same JVM (an application may open several H2 databases, or tests many in-memory ones).
 */
final class DatabaseIdentity {

    private DatabaseIdentity() {
    }

    /**
     * The H2 engine's database object for a connection inside H2 (the function's own connection has
     * no useful URL), else the URL and user name.
     */
    static Object of(Connection connection) throws SQLException {
        org.h2.engine.SessionLocal local = localSession(connection);
        if (local != null) return local.getDatabase();
        var meta = connection.getMetaData();
        return meta.getURL() + "|" + meta.getUserName();
    }

    /** The H2 engine's session of a connection inside H2's JVM; null for any other connection. */
    static org.h2.engine.SessionLocal localSession(Connection connection) throws SQLException {
        if (connection.isWrapperFor(org.h2.jdbc.JdbcConnection.class)
                && connection.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()
                instanceof org.h2.engine.SessionLocal local) {
            return local;
        }
        return null;
    }
}

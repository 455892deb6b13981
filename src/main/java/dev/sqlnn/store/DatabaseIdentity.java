package dev.sqlnn.store;

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
        org.h2.engine.SessionLocal local = EmbeddedSession.of(connection);
        if (local != null) return local.getDatabase();
        var meta = connection.getMetaData();
        return meta.getURL() + "|" + meta.getUserName();
    }
}

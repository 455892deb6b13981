package dev.sqlnn.store;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The H2 engine session behind a connection made inside the database's own JVM (the connection H2
 * hands a stored function, or an embedded one). Some of what sqlnn promises needs it: a live
 * training log written by a second session of the caller's user, cancellation, lazy reading, the
 * transaction a deployment waits on.
 */
public final class EmbeddedSession {

    private EmbeddedSession() {
    }

    /** The session, or null for any other connection (a TCP client's, PostgreSQL's). */
    public static SessionLocal of(Connection connection) {
        try {
            if (connection.isWrapperFor(JdbcConnection.class)
                    && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local) {
                return local;
            }
        } catch (SQLException e) {
            // A driver that cannot say: not H2's embedded engine.
        }
        return null;
    }
}

package dev.sqlnn.sql;

import dev.sqlnn.store.EmbeddedSession;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A second session on the database of an H2 function's own connection, for rows that other
 * connections must see before the calling statement ends: it commits each statement by itself,
 * outside the caller's transaction. The one place that builds H2 sessions.
 *
 * <p>Inside H2 the function's {@link Connection} is the caller's own session. H2 2.5 has no public way
 * to open another from it without the user's password ({@code Engine.createSession} checks the
 * credentials; {@code Database.createSession(User, ...)} is package-private), but the constructor of
 * {@link SessionLocal} and that of {@link JdbcConnection} over a session are public. So the side
 * session is made for the caller's user, with the same rights, and under the caller's session id, so
 * that a lock message names the session of the statement that trains. The database does not list it
 * among its user sessions: {@code INFORMATION_SCHEMA.SESSIONS} does not show it, and it does not keep
 * the database open; the caller's session, open throughout the call, does.
 */
final class SideSession implements AutoCloseable {

    private final SessionLocal session;
    private final Connection connection;

    private SideSession(SessionLocal session, Connection connection) {
        this.session = session;
        this.connection = connection;
    }

    /**
     * A new session on the caller's database, or null where there can be none: outside H2's engine, or
     * while a session holds the database exclusively ({@code SET EXCLUSIVE}), when every other session
     * would wait for it, the caller's side session among them.
     */
    static SideSession open(Connection caller) throws SQLException {
        SessionLocal callers = EmbeddedSession.of(caller);
        if (callers == null) return null;
        Database database = callers.getDatabase();
        if (database.isClosing() || database.getExclusiveSession() != null) return null;
        SessionLocal side = new SessionLocal(database, callers.getUser(), callers.getId());
        side.setTimeZone(callers.currentTimeZone());
        return new SideSession(side, new JdbcConnection(side, callers.getUser().getName(), "jdbc:default:connection"));
    }

    /** The side session as an autocommit JDBC connection; closing this, not the connection, ends it. */
    Connection connection() {
        return connection;
    }

    /** Rolls back what is not committed and ends the session. */
    @Override
    public void close() {
        // A JdbcConnection built over a session has no close watcher, and its close() fails for it.
        session.close();
    }
}

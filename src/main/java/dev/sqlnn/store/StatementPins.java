package dev.sqlnn.store;

import dev.sqlnn.model.Model;
import org.h2.command.Command;
import org.h2.engine.SessionLocal;
import org.h2.value.ValueTimestampTimeZone;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The models one SQL statement has resolved, so that every row it scores comes from one version
 * even when another connection deploys a new one meanwhile. Scalar {@code PREDICT} resolves its
 * model once per row, and H2 gives each of sqlnn's own queries a fresh snapshot: without pins the
 * rows of one query could span a deployment.
 *
 * <p>Per thread, since H2 runs a statement in one thread. A statement is told apart by its session,
 * the session's current command and when that began, as they are after the model is resolved
 * (sqlnn's own queries replace the calling command); the session's next statement starts a new
 * command. The session and command are held weakly, so that a pin keeps no closed database alive.
 */
final class StatementPins {

    private static final ThreadLocal<StatementPins> CURRENT = new ThreadLocal<>();

    private final WeakReference<SessionLocal> session;
    private final WeakReference<Command> command;
    private final ValueTimestampTimeZone started;
    final Map<String, Model> deployed = new HashMap<>();
    Model defaultModel;

    private StatementPins(SessionLocal session) {
        this.session = new WeakReference<>(session);
        this.command = new WeakReference<>(session.getCurrentCommand());
        this.started = session.getCommandStartOrEnd();
    }

    /** The pins of the statement the session runs now on this thread; null when it has none yet. */
    static StatementPins of(SessionLocal session) {
        StatementPins pins = CURRENT.get();
        if (pins != null && pins.session.get() == session && pins.command.get() == session.getCurrentCommand()
                && pins.started.equals(session.getCommandStartOrEnd())) {
            return pins;
        }
        return null;
    }

    /** The pins of the statement the session runs now, new when it has none: call it after resolving. */
    static StatementPins pin(SessionLocal session) {
        StatementPins pins = of(session);
        if (pins == null) {
            pins = new StatementPins(session);
            CURRENT.set(pins);
        }
        return pins;
    }

    /** Forgets this thread's pins: its statement has just deployed or dropped a version. */
    static void clear() {
        CURRENT.remove();
    }
}

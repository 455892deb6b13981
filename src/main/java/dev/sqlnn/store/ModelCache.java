package dev.sqlnn.store;

import dev.sqlnn.model.Model;
import org.h2.engine.SessionLocal;
import org.h2.mvstore.tx.Transaction;

import java.sql.Connection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded models per database, so that {@code PREDICT} decodes a model once, not once per row.
 *
 * <p>Which version is deployed is cached too, tagged with a generation number that every
 * train, deploy and drop through sqlnn increments: a cached answer from an older generation is
 * asked again of the database. Databases are held weakly, so a closed one is forgotten.
 *
 * <p>Incrementing when sqlnn writes is not enough: the write is not committed yet, and H2 commits
 * only after the function returns. A reader that asks the database in between still sees the old
 * deployment, and would cache it under the new generation and serve it long after the commit. So
 * the writer's H2 transaction is kept as <em>pending</em>, and the generation is incremented once
 * more when it has ended (committed or rolled back): the first reader to see it ended does so,
 * before it reads the generation itself. Any answer cached under that generation or a later one
 * was read from the database after the commit, since H2 gives each of sqlnn's own queries a fresh
 * snapshot. While a write is pending nothing is cached: the writer's own session would otherwise
 * cache what it has not committed for every connection to see.
 *
 * <p>The hot path of {@code PREDICT} pays one {@code isEmpty} of the database's almost always empty
 * set of pending writes, and one volatile read; while a write is pending, it also reads each pending
 * transaction's status (an atomic field) and queries the database. A connection to H2 over the network, or to PostgreSQL,
 * has no transaction to watch: its writes only increment the generation, as before.
 *
 * <p>The cache answers per call; that one statement scores all its rows with one version is
 * {@link StatementPins}' doing.
 */
final class ModelCache {

    /** Decoded versions kept per database; beyond this the oldest are dropped. */
    private static final int MAX_VERSIONS = 16;

    private final AtomicLong generation = new AtomicLong();
    private final Map<Object, PerDatabase> databases = Collections.synchronizedMap(new WeakHashMap<>());

    record Resolved(long generation, Model model) {
    }

    static final class PerDatabase {
        final Map<String, Resolved> deployed = new ConcurrentHashMap<>();
        volatile Resolved defaultModel;
        /**
         * The H2 transactions that changed this database's deployments and had not ended when last
         * looked at. Per database, so that one left open by a database that died slows no other.
         */
        final Set<Transaction> pending = ConcurrentHashMap.newKeySet();
        final Map<ModelKey, Model> versions = Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ModelKey, Model> eldest) {
                        return size() > MAX_VERSIONS;
                    }
                });
    }

    /**
     * The current generation, after counting the end of every pending write that has ended. Read it
     * before asking the database, and tag the answer with it.
     */
    long generation(PerDatabase db) {
        if (!db.pending.isEmpty()) settle(db);
        return generation.get();
    }

    /** Whether an answer read now may be cached: no write of sqlnn's to the database is still uncommitted. */
    boolean cacheable(PerDatabase db) {
        return db.pending.isEmpty();
    }

    private void settle(PerDatabase db) {
        for (Transaction t : db.pending) {
            if (t.getStatus() == Transaction.STATUS_CLOSED) {
                // First the increment, then the removal: whoever finds t gone finds the generation moved on.
                generation.incrementAndGet();
                db.pending.remove(t);
            }
        }
    }

    PerDatabase of(Object database) {
        return databases.computeIfAbsent(database, d -> new PerDatabase());
    }

    /**
     * Forget which versions are deployed (in every database) and the decoded copy of {@code name}'s
     * versions, now and again when the writing transaction ends. Call it after writing, on the
     * writer's connection.
     */
    void invalidate(Object database, String name, Connection writer) {
        PerDatabase db = of(database);
        settle(db);
        StatementPins.clear();
        Transaction transaction = transactionOf(writer);
        if (transaction != null) db.pending.add(transaction);
        generation.incrementAndGet();
        db.deployed.clear();
        db.defaultModel = null;
        if (name != null) {
            synchronized (db.versions) {
                db.versions.keySet().removeIf(k -> k.name().equals(name));
            }
        }
    }

    /** The open H2 transaction of a connection inside the JVM of the database; null for any other. */
    private static Transaction transactionOf(Connection connection) {
        SessionLocal local = EmbeddedSession.of(connection);
        return local == null ? null : local.getTransaction();
    }
}

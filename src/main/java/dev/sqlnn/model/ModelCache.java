package dev.sqlnn.model;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded models per database, so that {@code PREDICT} decodes a model once, not once per row.
 *
 * <p>Which version is deployed is cached too, tagged with a generation number that every
 * train, deploy and drop through sqlnn increments: a cached answer from an older generation is
 * asked again of the database. Databases are held weakly, so a closed one is forgotten.
 */
final class ModelCache {

    /** Decoded versions kept per database; beyond this the oldest are dropped. */
    private static final int MAX_VERSIONS = 16;

    private final AtomicLong generation = new AtomicLong();
    private final Map<Object, PerDatabase> databases = Collections.synchronizedMap(new WeakHashMap<>());

    record Resolved(long generation, LoadedModel model) {
    }

    static final class PerDatabase {
        final Map<String, Resolved> deployed = new ConcurrentHashMap<>();
        volatile Resolved defaultModel;
        final Map<ModelKey, LoadedModel> versions = Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ModelKey, LoadedModel> eldest) {
                        return size() > MAX_VERSIONS;
                    }
                });
    }

    long generation() {
        return generation.get();
    }

    PerDatabase of(Object database) {
        return databases.computeIfAbsent(database, d -> new PerDatabase());
    }

    /** Forget which versions are deployed (in every database) and the decoded copy of {@code name}'s versions. */
    void invalidate(Object database, String name) {
        generation.incrementAndGet();
        PerDatabase db = of(database);
        db.deployed.clear();
        db.defaultModel = null;
        if (name != null) {
            synchronized (db.versions) {
                db.versions.keySet().removeIf(k -> k.name().equals(name));
            }
        }
    }
}

package dev.sqlnn.spark;

import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.store.ModelRegistry;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stored models read once on the driver and sent to the executors as their blobs, each decoded once
 * per executor JVM: executors never connect to the database (an embedded H2 file is open only in one
 * JVM, and a cluster's executors may not reach the database at all).
 */
final class ModelBlobs implements Serializable {

    /** One version's blob, under the key a query names it by: {@code name} or {@code name@version}. */
    record Blob(String name, long version, byte[] bytes) implements Serializable {
    }

    /** Decoded models kept per JVM; beyond this the least recently used are dropped (and decoded again if asked). */
    static final int MAX_DECODED = 16;

    /**
     * Decoded models per executor JVM, by blob identity: a broadcast value is deserialized once per
     * executor. Bounded, since every {@code SqlnnSpark.predict} call and every registration brings a
     * new identity, and an application that keeps running would otherwise keep every model it ever used.
     */
    private static final Map<String, Model> DECODED = Collections.synchronizedMap(
            new LinkedHashMap<>(MAX_DECODED, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Model> eldest) {
                    return size() > MAX_DECODED;
                }
            });

    private final Map<String, Blob> byKey;
    private final String id;

    private ModelBlobs(Map<String, Blob> byKey) {
        this.byKey = byKey;
        this.id = java.util.UUID.randomUUID().toString();
    }

    /** Reads each model, {@code "name"} (its deployed version) or {@code "name@version"}, now. */
    static ModelBlobs load(SqlnnSpark.Target target, String... models) throws SQLException {
        if (models == null || models.length == 0) {
            throw SqlErrors.badArgument("sqlnn_predict", "name the models the functions may use, e.g. \"digits\" for the"
                    + " deployed version or \"digits@3\" for version 3");
        }
        Map<String, Blob> blobs = new LinkedHashMap<>();
        try (Connection connection = target.connect()) {
            ModelRegistry registry = new ModelRegistry(connection);
            for (String key : models) {
                Model model = SqlErrors.call("sqlnn_predict", () -> {
                    int at = key == null ? -1 : key.lastIndexOf('@');
                    if (at < 0) return registry.deployedNow(ModelRegistry.checkName(key));
                    String name = ModelRegistry.checkName(key.substring(0, at));
                    long version;
                    try {
                        version = Long.parseLong(key.substring(at + 1));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + key + "' names no version: write name@version, e.g. "
                                + name + "@1");
                    }
                    return registry.versionNow(name, version);
                });
                blobs.put(key, new Blob(model.name(), model.version(), ModelCodec.encode(model)));
            }
        }
        return new ModelBlobs(blobs);
    }

    /** The one model loaded. */
    Blob only() {
        return byKey.values().iterator().next();
    }

    /** The model a query names, decoded in this JVM once. */
    Model model(String key, String function) {
        Blob blob = key == null ? null : byKey.get(key);
        if (blob == null) {
            throw new IllegalArgumentException(function + ": model " + (key == null ? "NULL" : "'" + key + "'")
                    + " was not registered; registerFunctions was given " + String.join(", ", byKey.keySet())
                    + ": register it too");
        }
        return decoded(id + "/" + key, blob);
    }

    static Model decoded(String cacheKey, Blob blob) {
        Model model = DECODED.get(cacheKey);
        if (model != null) return model;
        // Decoded outside the map's lock, so one partition's decoding holds up no other model's tasks; two
        // tasks that miss together both decode, and the first one's model is kept.
        Model fresh = ModelCodec.decode(blob.bytes()).named(blob.name(), blob.version());
        Model kept = DECODED.putIfAbsent(cacheKey, fresh);
        return kept != null ? kept : fresh;
    }

    /** How many decoded models this JVM keeps now. */
    static int decodedCount() {
        return DECODED.size();
    }
}

package dev.sqlnn.pg;

import dev.sqlnn.model.Model;
import dev.sqlnn.store.ModelRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models one PostgreSQL backend has decoded, reused across its statements. Which version is
 * deployed is asked of the database on every call, through one prepared statement kept for the
 * backend's life, so a deploy, drop or retrain committed by another session is seen by the next
 * statement; the decoded model is cached by its row's id, which no other version ever takes.
 */
final class BackendModels {

    /** Decoded versions kept; beyond this the least recently used go. */
    private static final int MAX_MODELS = 16;
    private static final String DEPLOYED = "SELECT id, version FROM sqlnn.models WHERE name = ? AND deployed";
    /** The newest deployment whose version is still the deployed one of its model (ModelStore.defaultModel). */
    private static final String DEFAULT = "SELECT m.id, m.name, m.version FROM sqlnn.deployments d"
            + " JOIN sqlnn.models m ON m.name = d.name AND m.version = d.version AND m.deployed"
            + " ORDER BY d.id DESC LIMIT 1";

    private static final Map<Long, Model> DECODED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Model> eldest) {
            return size() > MAX_MODELS;
        }
    };

    private static PreparedStatement deployed;
    private static PreparedStatement defaultModel;

    private BackendModels() {
    }

    /** The deployed version of {@code name}; the registry's error (42704) when there is none. */
    static synchronized Model deployed(Connection connection, String name) throws SQLException {
        ModelRegistry.checkName(name);
        PreparedStatement p = prepared(connection, false);
        try {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) return new ModelRegistry(connection).deployedNow(name); // says why there is none
                return decoded(connection, rs.getLong(1), name, rs.getLong(2));
            }
        } catch (SQLException | RuntimeException e) {
            deployed = null; // prepared afresh next time, whatever went wrong with it
            throw e;
        }
    }

    /** The model deployed last, whatever its name: one-argument {@code predict}. */
    static synchronized Model defaultModel(Connection connection) throws SQLException {
        try (ResultSet rs = prepared(connection, true).executeQuery()) {
            if (!rs.next()) return new ModelRegistry(connection).defaultModel(); // says there is none
            return decoded(connection, rs.getLong(1), rs.getString(2), rs.getLong(3));
        } catch (SQLException | RuntimeException e) {
            defaultModel = null;
            throw e;
        }
    }

    private static Model decoded(Connection connection, long id, String name, long version) throws SQLException {
        Model model = DECODED.get(id);
        if (model == null) {
            model = new ModelRegistry(connection).versionNow(name, version);
            DECODED.put(id, model);
        }
        return model;
    }

    /** The backend's statement, prepared on first use and after any failure of the last one. */
    private static PreparedStatement prepared(Connection connection, boolean forDefault) throws SQLException {
        PreparedStatement p = forDefault ? defaultModel : deployed;
        if (p == null) {
            p = connection.prepareStatement(forDefault ? DEFAULT : DEPLOYED);
            if (forDefault) defaultModel = p;
            else deployed = p;
        }
        return p;
    }
}

package dev.sqlnn.model;

import dev.sqlnn.model.StoreTables.Deployments;
import dev.sqlnn.model.StoreTables.Models;
import dev.sqlnn.model.StoreTables.TrainingLog;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.Record;
import org.jooq.conf.RenderNameCase;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * All of sqlnn's own SQL: saving, finding, deploying and dropping model versions and their training
 * logs, in the tables that {@code dev.sqlnn.Sqlnn.install} creates.
 *
 * <p>Works on the caller's connection and leaves its transaction to the caller: it never commits,
 * rolls back or closes it, so that a model and its training log can be saved, or a deployment
 * undone, in one transaction. Failures of the database come as jOOQ's unchecked
 * {@link DataAccessException}.
 */
public final class ModelStore {

    /** The schema that holds sqlnn's tables, as H2 spells it; PostgreSQL folds it to {@code sqlnn}. */
    public static final String SCHEMA = StoreTables.SCHEMA;

    private final DSLContext sql;

    /** @throws UnsupportedOperationException when the connection is to neither H2 nor PostgreSQL */
    public ModelStore(Connection connection) {
        DatabaseMetaData meta;
        DatabaseKind kind;
        boolean lowerCase;
        try {
            meta = connection.getMetaData();
            kind = DatabaseKind.fromProductName(meta.getDatabaseProductName());
            lowerCase = meta.storesLowerCaseIdentifiers();
        } catch (SQLException e) {
            throw new DataAccessException("cannot read the database's metadata", e);
        }
        // The migrations use unquoted names, which the database folds; jOOQ quotes, so it must fold alike.
        Settings settings = new Settings()
                .withRenderNameCase(lowerCase ? RenderNameCase.LOWER : RenderNameCase.AS_IS);
        this.sql = DSL.using(connection, kind.dialect, settings);
    }

    /** The version the next model trained under {@code name} gets: 1 for a new name. */
    public long nextVersion(String name) {
        Long max = sql.select(DSL.max(Models.VERSION)).from(Models.TABLE)
                .where(Models.NAME.eq(name))
                .fetchOne(0, Long.class);
        return max == null ? 1 : max + 1;
    }

    /** Saves a model version, not deployed; returns its generated {@code ID}. */
    public long insertModel(NewModel m) {
        return sql.insertInto(Models.TABLE)
                .set(Models.NAME, m.name())
                .set(Models.VERSION, m.version())
                .set(Models.TASK, m.task())
                .set(Models.OPTIONS, json(m.optionsJson()))
                .set(Models.INPUT_WIDTH, m.inputWidth())
                .set(Models.LAYERS, m.layers())
                .set(Models.CLASSES, json(m.classesJson()))
                .set(Models.METRICS, json(m.metricsJson()))
                .set(Models.TRAIN_ROWS, m.trainRows())
                .set(Models.TRAIN_SECONDS, m.trainSeconds())
                .set(Models.WEIGHTS, m.weights())
                .returningResult(Models.ID)
                .fetchSingle()
                .value1();
    }

    /** Appends epochs to the training log of a version, in one JDBC batch. */
    public void insertTrainingLog(String name, long version, List<LogEntry> entries) {
        if (entries.isEmpty()) return;
        BatchBindStep batch = sql.batch(sql.insertInto(TrainingLog.TABLE,
                        TrainingLog.NAME, TrainingLog.VERSION, TrainingLog.EPOCH, TrainingLog.TRAIN_LOSS,
                        TrainingLog.VALIDATION_LOSS, TrainingLog.VALIDATION_METRIC, TrainingLog.LEARNING_RATE,
                        TrainingLog.SECONDS, TrainingLog.ROWS_PER_SECOND)
                .values((String) null, null, null, null, null, null, null, null, null));
        for (LogEntry e : entries) {
            batch = batch.bind(name, version, e.epoch(), e.trainLoss(), e.validationLoss(), e.validationMetric(),
                    e.learningRate(), e.seconds(), e.rowsPerSecond());
        }
        batch.execute();
    }

    public Optional<StoredModel> find(String name, long version) {
        return findWhere(Models.NAME.eq(name).and(Models.VERSION.eq(version)));
    }

    /** The deployed version of {@code name}, if one is. */
    public Optional<StoredModel> findDeployed(String name) {
        return findWhere(Models.NAME.eq(name).and(Models.DEPLOYED.isTrue()));
    }

    public OptionalLong deployedVersion(String name) {
        Long version = sql.select(Models.VERSION).from(Models.TABLE)
                .where(Models.NAME.eq(name).and(Models.DEPLOYED.isTrue()))
                .fetchOne(Models.VERSION);
        return version == null ? OptionalLong.empty() : OptionalLong.of(version);
    }

    /** Every version of {@code name}, oldest first; empty for an unknown name. */
    public List<ModelVersion> versions(String name) {
        return sql.select(Models.VERSION, Models.DEPLOYED, Models.METRICS, Models.CREATED_AT)
                .from(Models.TABLE)
                .where(Models.NAME.eq(name))
                .orderBy(Models.VERSION)
                .fetch(r -> new ModelVersion(r.value1(), r.value2(), text(r.value3()), r.value4()));
    }

    /** Whether any version of {@code name} exists. */
    public boolean exists(String name) {
        return sql.fetchExists(Models.TABLE, Models.NAME.eq(name));
    }

    /**
     * The model deployed last: the newest deployment whose version is still there and still the
     * deployed one of its model. So dropping the default model falls back to the one deployed before.
     */
    public Optional<ModelKey> defaultModel() {
        Condition stillDeployed = DSL.exists(DSL.selectOne().from(Models.TABLE)
                .where(Models.NAME.eq(Deployments.NAME))
                .and(Models.VERSION.eq(Deployments.VERSION))
                .and(Models.DEPLOYED.isTrue()));
        return sql.select(Deployments.NAME, Deployments.VERSION).from(Deployments.TABLE)
                .where(stillDeployed)
                .orderBy(Deployments.ID.desc())
                .limit(1)
                .fetchOptional(r -> new ModelKey(r.value1(), r.value2()));
    }

    /**
     * Makes {@code version} the deployed version of {@code name}, and {@code name} the default model.
     *
     * @throws UnknownModelException when there is no such version; nothing is changed then
     */
    public void deploy(String name, long version) {
        if (!sql.fetchExists(Models.TABLE, Models.NAME.eq(name).and(Models.VERSION.eq(version)))) {
            throw new UnknownModelException(name, version);
        }
        sql.update(Models.TABLE)
                .set(Models.DEPLOYED, DSL.field(Models.VERSION.eq(version)))
                .where(Models.NAME.eq(name))
                .execute();
        sql.insertInto(Deployments.TABLE)
                .set(Deployments.NAME, name)
                .set(Deployments.VERSION, version)
                .execute();
    }

    /** Deletes every version of {@code name} and its training log; returns how many versions went. */
    public int drop(String name) {
        sql.deleteFrom(TrainingLog.TABLE).where(TrainingLog.NAME.eq(name)).execute();
        return sql.deleteFrom(Models.TABLE).where(Models.NAME.eq(name)).execute();
    }

    /** Deletes one version and its training log; returns 1, or 0 when there was no such version. */
    public int drop(String name, long version) {
        sql.deleteFrom(TrainingLog.TABLE)
                .where(TrainingLog.NAME.eq(name).and(TrainingLog.VERSION.eq(version)))
                .execute();
        return sql.deleteFrom(Models.TABLE)
                .where(Models.NAME.eq(name).and(Models.VERSION.eq(version)))
                .execute();
    }

    /**
     * The training log of one version, or of all versions of {@code name} when {@code version} is
     * null; ordered by version, then epoch.
     */
    public List<LogRow> trainingLog(String name, Long version) {
        Condition which = TrainingLog.NAME.eq(name);
        if (version != null) which = which.and(TrainingLog.VERSION.eq(version));
        return sql.select(TrainingLog.VERSION, TrainingLog.EPOCH, TrainingLog.TRAIN_LOSS, TrainingLog.VALIDATION_LOSS,
                        TrainingLog.VALIDATION_METRIC, TrainingLog.LEARNING_RATE, TrainingLog.SECONDS,
                        TrainingLog.ROWS_PER_SECOND)
                .from(TrainingLog.TABLE)
                .where(which)
                .orderBy(TrainingLog.VERSION, TrainingLog.EPOCH)
                .fetch(r -> new LogRow(r.value1(), new LogEntry(r.value2(), r.value3(), r.value4(), r.value5(),
                        r.value6(), r.value7(), r.value8())));
    }

    private Optional<StoredModel> findWhere(Condition condition) {
        return sql.select(Models.ID, Models.NAME, Models.VERSION, Models.TASK, Models.INPUT_WIDTH, Models.LAYERS,
                        Models.METRICS, Models.DEPLOYED, Models.WEIGHTS)
                .from(Models.TABLE)
                .where(condition)
                .fetchOptional(ModelStore::storedModel);
    }

    private static StoredModel storedModel(Record r) {
        return new StoredModel(r.get(Models.ID), r.get(Models.NAME), r.get(Models.VERSION), r.get(Models.TASK),
                r.get(Models.INPUT_WIDTH), r.get(Models.LAYERS), text(r.get(Models.METRICS)),
                r.get(Models.DEPLOYED), r.get(Models.WEIGHTS));
    }

    private static JSON json(String text) {
        return text == null ? null : JSON.json(text);
    }

    private static String text(JSON json) {
        return json == null ? null : json.data();
    }
}

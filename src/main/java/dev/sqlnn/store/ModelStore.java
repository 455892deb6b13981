package dev.sqlnn.store;

import dev.sqlnn.store.StoreTables.Deployments;
import dev.sqlnn.store.StoreTables.Models;
import dev.sqlnn.store.StoreTables.TrainingLog;
import dev.sqlnn.store.StoreTables.TrainingRuns;
import dev.sqlnn.store.StoreTables.Trials;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.conf.RenderNameCase;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * All of sqlnn's own SQL: saving, finding, deploying and dropping model versions, their training
 * logs and runs, in the tables that {@code dev.sqlnn.Sqlnn.install} creates.
 *
 * <p>Works on the caller's connection and leaves its transaction to the caller: it never commits,
 * rolls back or closes it, so that a model and its training log can be saved, or a deployment
 * undone, in one transaction. Failures of the database come as jOOQ's unchecked
 * {@link DataAccessException}.
 */
public final class ModelStore {

    /** The schema that holds sqlnn's tables, as H2 spells it; PostgreSQL folds it to {@code sqlnn}. */
    public static final String SCHEMA = StoreTables.SCHEMA;

    /**
     * jOOQ's logger of the server's version: its open-source {@code POSTGRES} dialect targets servers
     * newer than PostgreSQL 15, and it warns once per JVM ("Version mismatch") when it meets an older
     * one. sqlnn's few statements are tested on PostgreSQL 15, so that warning would only mislead
     * whoever reads the log; an application that wants it back sets the property itself.
     */
    private static final String JOOQ_VERSION_LOG = "org.jooq.log.org.jooq.impl.DefaultExecuteContext.logVersionSupport";

    static {
        System.getProperties().putIfAbsent(JOOQ_VERSION_LOG, "ERROR");
    }

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

    /**
     * The version the next model trained under {@code name} gets: one past the highest that a model, a
     * training run or a training log row holds, so that a version whose log outlived its run (the
     * database stopped, or the model's transaction rolled back) is never given again; 1 for a new name.
     */
    public long nextVersion(String name) {
        long max = Math.max(maxVersion(Models.TABLE, Models.NAME, Models.VERSION, name),
                Math.max(maxVersion(TrainingRuns.TABLE, TrainingRuns.NAME, TrainingRuns.VERSION, name),
                        maxVersion(TrainingLog.TABLE, TrainingLog.NAME, TrainingLog.VERSION, name)));
        return max + 1;
    }

    private long maxVersion(Table<?> table, Field<String> nameColumn, Field<Long> versionColumn, String name) {
        Long max = sql.select(DSL.max(versionColumn)).from(table).where(nameColumn.eq(name)).fetchOne(0, Long.class);
        return max == null ? 0 : max;
    }

    // ---------------------------------------------------------------- training runs

    /** Records a training of {@code name} under {@code version}. */
    public void insertRun(String name, long version, RunStatus status) {
        sql.insertInto(TrainingRuns.TABLE)
                .set(TrainingRuns.NAME, name)
                .set(TrainingRuns.VERSION, version)
                .set(TrainingRuns.STATUS, status.sqlName())
                .set(TrainingRuns.ENDED_AT, endedAt(status))
                .execute();
    }

    /** Sets a run's status, and when it ended; returns whether the run was there. */
    public boolean setRunStatus(String name, long version, RunStatus status) {
        return sql.update(TrainingRuns.TABLE)
                .set(TrainingRuns.STATUS, status.sqlName())
                .set(TrainingRuns.ENDED_AT, endedAt(status))
                .where(TrainingRuns.NAME.eq(name).and(TrainingRuns.VERSION.eq(version)))
                .execute() == 1;
    }

    public Optional<RunStatus> runStatus(String name, long version) {
        return sql.select(TrainingRuns.STATUS).from(TrainingRuns.TABLE)
                .where(TrainingRuns.NAME.eq(name).and(TrainingRuns.VERSION.eq(version)))
                .fetchOptional(r -> RunStatus.fromSqlName(r.value1()));
    }

    /**
     * Marks as abandoned the runs of {@code name} that say they are running but are not among the
     * {@code running} versions (those whose training is known to be under way); returns how many.
     */
    public int abandonRuns(String name, Collection<Long> running) {
        return sql.update(TrainingRuns.TABLE)
                .set(TrainingRuns.STATUS, RunStatus.ABANDONED.sqlName())
                .set(TrainingRuns.ENDED_AT, endedAt(RunStatus.ABANDONED))
                .where(TrainingRuns.NAME.eq(name)
                        .and(TrainingRuns.STATUS.eq(RunStatus.RUNNING.sqlName()))
                        .and(notAmong(TrainingRuns.VERSION, running)))
                .execute();
    }

    /**
     * Now, for a run that is no longer running; null for one that is. The clock's time, not the
     * database's CURRENT_TIMESTAMP: that is when the caller's statement began, before the run did.
     */
    private static OffsetDateTime endedAt(RunStatus status) {
        return status == RunStatus.RUNNING ? null : OffsetDateTime.now();
    }

    /** Deletes a run and its training log: what a training that failed must not leave behind. */
    public void deleteRun(String name, long version) {
        sql.deleteFrom(TrainingLog.TABLE)
                .where(TrainingLog.NAME.eq(name).and(TrainingLog.VERSION.eq(version)))
                .execute();
        sql.deleteFrom(TrainingRuns.TABLE)
                .where(TrainingRuns.NAME.eq(name).and(TrainingRuns.VERSION.eq(version)))
                .execute();
    }

    /**
     * Whether {@code name} (or that version of it) has a model, a training run or a training log row:
     * something {@code ML_TRAINING_INFO} can speak about.
     */
    public boolean hasHistory(String name, Long version) {
        return sql.fetchExists(Models.TABLE, Models.NAME.eq(name).and(version == null ? DSL.noCondition()
                        : Models.VERSION.eq(version)))
                || sql.fetchExists(TrainingRuns.TABLE, TrainingRuns.NAME.eq(name).and(version == null
                        ? DSL.noCondition() : TrainingRuns.VERSION.eq(version)))
                || sql.fetchExists(TrainingLog.TABLE, TrainingLog.NAME.eq(name).and(version == null
                        ? DSL.noCondition() : TrainingLog.VERSION.eq(version)));
    }

    private static Condition notAmong(Field<Long> version, Collection<Long> versions) {
        return versions.isEmpty() ? DSL.noCondition() : version.notIn(versions);
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

    /** Deletes every version of {@code name} and its training history; returns how many versions went. */
    public int drop(String name) {
        return drop(name, null, Set.of()).versions();
    }

    /** Deletes one version and its training history; returns 1, or 0 when there was no such version. */
    public int drop(String name, long version) {
        return drop(name, version, Set.of()).versions();
    }

    /**
     * Deletes every version of {@code name} (or one), with the training log and runs, including those
     * of trainings that never saved a model, but not those of the {@code running} versions.
     */
    public Dropped drop(String name, Long version, Collection<Long> running) {
        Condition log = TrainingLog.NAME.eq(name).and(notAmong(TrainingLog.VERSION, running));
        Condition runs = TrainingRuns.NAME.eq(name).and(notAmong(TrainingRuns.VERSION, running));
        Condition models = Models.NAME.eq(name);
        if (version != null) {
            log = log.and(TrainingLog.VERSION.eq(version));
            runs = runs.and(TrainingRuns.VERSION.eq(version));
            models = models.and(Models.VERSION.eq(version));
        }
        Condition trials = Trials.NAME.eq(name).and(notAmong(Trials.VERSION, running));
        if (version != null) trials = trials.and(Trials.VERSION.eq(version));
        sql.deleteFrom(Trials.TABLE).where(trials).execute();
        int history = sql.deleteFrom(TrainingLog.TABLE).where(log).execute()
                + sql.deleteFrom(TrainingRuns.TABLE).where(runs).execute();
        return new Dropped(sql.deleteFrom(Models.TABLE).where(models).execute(), history);
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

    /** Saves the trials of the search that made a version (a hundred at most: a statement each). */
    public void insertTrials(String name, long version, List<TrialRow> trials) {
        for (TrialRow t : trials) {
            sql.insertInto(Trials.TABLE)
                    .set(Trials.NAME, name)
                    .set(Trials.VERSION, version)
                    .set(Trials.TRIAL, t.trial())
                    .set(Trials.OPTIONS, json(t.optionsJson()))
                    .set(Trials.SCORE, Double.isNaN(t.score()) ? null : t.score())
                    .set(Trials.SECONDS, t.seconds())
                    .set(Trials.FOLD_SCORES, json(t.foldScoresJson()))
                    .set(Trials.BEST, t.best())
                    .execute();
        }
    }

    /** The trials of one version, by number. */
    public List<TrialRow> trials(String name, long version) {
        return sql.select(Trials.TRIAL, Trials.OPTIONS, Trials.SCORE, Trials.SECONDS, Trials.FOLD_SCORES, Trials.BEST)
                .from(Trials.TABLE)
                .where(Trials.NAME.eq(name).and(Trials.VERSION.eq(version)))
                .orderBy(Trials.TRIAL)
                .fetch(r -> new TrialRow(r.value1(), text(r.value2()), r.value3() == null ? Double.NaN : r.value3(),
                        r.value4(), text(r.value5()), r.value6()));
    }

    /** The versions of {@code name} that a search made (those with trials), oldest first. */
    public List<Long> searchedVersions(String name) {
        return sql.selectDistinct(Trials.VERSION).from(Trials.TABLE)
                .where(Trials.NAME.eq(name))
                .orderBy(Trials.VERSION)
                .fetch(Trials.VERSION);
    }

    /** A whole model row, as {@link #insertModel} takes it: what copying a version to another database needs. */
    public Optional<NewModel> findRow(String name, long version) {
        return sql.select(Models.NAME, Models.VERSION, Models.TASK, Models.OPTIONS, Models.INPUT_WIDTH, Models.LAYERS,
                        Models.CLASSES, Models.METRICS, Models.TRAIN_ROWS, Models.TRAIN_SECONDS, Models.WEIGHTS)
                .from(Models.TABLE)
                .where(Models.NAME.eq(name).and(Models.VERSION.eq(version)))
                .fetchOptional(r -> new NewModel(r.value1(), r.value2(), r.value3(), text(r.value4()), r.value5(),
                        r.value6(), text(r.value7()), text(r.value8()), r.value9(), r.value10(), r.value11()));
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

package dev.sqlnn.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sqlnn.data.Task;
import dev.sqlnn.model.DamagedModelException;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.model.StartingModel;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.options.TrainingOptions;
import org.h2.engine.SessionLocal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Models as rows: saves trained models as versions, deploys and drops them, and loads them for
 * scoring through a cache shared by every connection to the same database. Works on the caller's
 * connection and transaction; it never commits. (A live {@link TrainingRun} also writes through a
 * connection of its own, which does.)
 */
public final class ModelRegistry {

    private static final ModelCache CACHE = new ModelCache();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private final Connection connection;
    private final Object database;
    /** The H2 session of a connection inside the database's JVM, whose statements pin models; else null. */
    private final SessionLocal session;
    private ModelStore store;

    public ModelRegistry(Connection connection) throws SQLException {
        this.connection = connection;
        this.session = EmbeddedSession.of(connection);
        this.database = session != null ? session.getDatabase() : DatabaseIdentity.of(connection);
    }

    /**
     * Whether trainings of this database run in other JVMs too (PostgreSQL): then none is known to be
     * abandoned. Asked only when saving, so that resolving a model for PREDICT asks the driver nothing.
     */
    private boolean clientSide() {
        try {
            return DatabaseKind.fromProductName(connection.getMetaData().getDatabaseProductName()) != DatabaseKind.H2;
        } catch (SQLException e) {
            throw new org.jooq.exception.DataAccessException("cannot read the database's product name", e);
        }
    }

    ModelStore store() {
        if (store == null) store = new ModelStore(connection);
        return store;
    }

    /** Refuses names that are not letters, digits, {@code _ . -}, 1 to 128 characters. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a model name must be 1 to 128 letters, digits, '_', '.' or '-'; got "
                    + (name == null ? "NULL" : "'" + name + "'"));
        }
        return name;
    }

    /**
     * The deployed version of a model. Within one SQL statement of an H2 session (called from a stored
     * function), always the same version, though another connection deploys one meanwhile: see
     * {@link StatementPins}.
     */
    public Model deployed(String name) {
        StatementPins pins = session == null ? null : StatementPins.of(session);
        Model pinned = pins == null ? null : pins.deployed.get(name);
        if (pinned != null) return pinned;
        Model model = deployedForStatement(name);
        if (session != null) StatementPins.pin(session).deployed.put(name, model);
        return model;
    }

    private Model deployedForStatement(String name) {
        ModelCache.PerDatabase db = CACHE.of(database);
        ModelCache.Resolved hit = db.deployed.get(name);
        long generation = CACHE.generation(db);
        if (hit != null && hit.generation() == generation) return hit.model();
        var stored = store().findDeployed(name).orElseThrow(() -> unknown(name));
        Model model = load(db, stored);
        if (CACHE.cacheable(db)) db.deployed.put(name, new ModelCache.Resolved(generation, model));
        return model;
    }

    /**
     * The deployed version of a model, read from the database now rather than from the cache: for a
     * database that other JVMs may change (PostgreSQL), when a query's worth of rows is to be scored.
     */
    public Model deployedNow(String name) {
        return decoded(store().findDeployed(name).orElseThrow(() -> unknown(name)));
    }

    /**
     * Copies a version of {@code name} (by default the deployed one) into another database's store, with
     * its options, metrics and training log, under the same version number, in {@code target}'s
     * transaction; deploys it there when it is deployed here. Returns the version copied.
     *
     * @throws UnknownModelException    when there is no such model or version here
     * @throws IllegalArgumentException when the target has that version already
     */
    public long copyTo(String name, Long version, ModelRegistry target) {
        checkName(name);
        long chosen;
        if (version != null) {
            chosen = version;
        } else {
            var deployed = store().deployedVersion(name);
            if (deployed.isEmpty()) throw unknown(name);
            chosen = deployed.getAsLong();
        }
        NewModel row = store().findRow(name, chosen).orElseThrow(() -> new UnknownModelException(
                "model " + name + " has no version " + chosen + versionsHint(name)));
        boolean deployed = store().deployedVersion(name).orElse(-1) == chosen;
        List<LogEntry> log = store().trainingLog(name, chosen).stream().map(LogRow::entry).toList();
        ModelStore to = target.store();
        if (to.find(name, chosen).isPresent() || to.runStatus(name, chosen).isPresent()) {
            throw new IllegalArgumentException("the target database has version " + chosen + " of model " + name
                    + " already; drop it there first, or copy another version");
        }
        to.insertModel(row);
        to.insertRun(name, chosen, RunStatus.SAVED);
        to.insertTrainingLog(name, chosen, log);
        if (deployed) to.deploy(name, chosen);
        CACHE.invalidate(target.database, name, target.connection);
        return chosen;
    }

    /** The model deployed last, whatever its name (one-argument {@code PREDICT}); pinned like {@link #deployed}. */
    public Model defaultModel() {
        StatementPins pins = session == null ? null : StatementPins.of(session);
        if (pins != null && pins.defaultModel != null) return pins.defaultModel;
        Model model = defaultModelForStatement();
        if (session != null) StatementPins.pin(session).defaultModel = model;
        return model;
    }

    private Model defaultModelForStatement() {
        ModelCache.PerDatabase db = CACHE.of(database);
        ModelCache.Resolved hit = db.defaultModel;
        long generation = CACHE.generation(db);
        if (hit != null && hit.generation() == generation) return hit.model();
        ModelKey key = store().defaultModel().orElseThrow(() -> new UnknownModelException(
                "no model is deployed yet: train one with ML_TRAIN (it deploys the first version) or deploy one with ML_DEPLOY"));
        Model model = version(key.name(), key.version());
        if (CACHE.cacheable(db)) db.defaultModel = new ModelCache.Resolved(generation, model);
        return model;
    }

    /**
     * One version of a model, read from the database now rather than from the cache: for a database
     * that other JVMs may change, where a dropped version's number may be taken again.
     */
    public Model versionNow(String name, long version) {
        return decoded(store().find(name, version).orElseThrow(() -> new UnknownModelException(
                "model " + name + " has no version " + version + versionsHint(name))));
    }

    /**
     * The version a warm start of {@code name} continues: the one {@code warmStart} names, else the
     * deployed one, read now; with the last epoch of its training log. Null without a warm start.
     *
     * @throws UnknownModelException when there is no such model or version, or none is deployed
     */
    public StartingModel startingModel(String name, TrainingOptions.WarmStart warmStart) {
        if (warmStart == null) return null;
        checkName(name);
        Model model = warmStart.version() == null ? deployedNow(name) : versionNow(name, warmStart.version());
        int epochs = store().trainingLog(name, model.version()).stream()
                .mapToInt(row -> row.entry().epoch()).max().orElse(0);
        return new StartingModel(model, epochs);
    }

    /** One version of a model. */
    public Model version(String name, long version) {
        ModelCache.PerDatabase db = CACHE.of(database);
        Model cached = db.versions.get(new ModelKey(name, version));
        if (cached != null) return cached;
        var stored = store().find(name, version).orElseThrow(() -> new UnknownModelException(
                "model " + name + " has no version " + version + versionsHint(name)));
        return load(db, stored);
    }

    private Model load(ModelCache.PerDatabase db, StoredModel stored) {
        ModelKey key = new ModelKey(stored.name(), stored.version());
        Model cached = db.versions.get(key);
        if (cached != null) return cached;
        Model model = decoded(stored);
        db.versions.put(key, model);
        return model;
    }

    /** Decodes a stored version; a blob that does not decode names the version it belongs to. */
    private static Model decoded(StoredModel stored) {
        try {
            return ModelCodec.decode(stored.weights()).named(stored.name(), stored.version());
        } catch (DamagedModelException e) {
            throw new DamagedModelException("model " + stored.name() + " version " + stored.version()
                    + " is damaged and cannot be used (train it again, or deploy another version): " + e.getMessage(), e);
        }
    }

    private UnknownModelException unknown(String name) {
        if (store().exists(name)) {
            return new UnknownModelException("model " + name + " has no deployed version" + versionsHint(name)
                    + "; deploy one with ML_DEPLOY('" + name + "')");
        }
        return new UnknownModelException("model " + name + " does not exist; train it with ML_TRAIN('" + name
                + "', query, options) or list models with SELECT NAME, VERSION FROM SQLNN.MODELS");
    }

    private String versionsHint(String name) {
        List<Long> versions = store().versions(name).stream().map(ModelVersion::version).toList();
        return versions.isEmpty() ? "" : " (versions: " + versions + ")";
    }

    /**
     * Stores a trained model as the next version of {@code name}, with its training log, and deploys
     * it as its {@code deploy} option says; all in the caller's transaction. Returns the new version.
     * {@code ML_TRAIN} goes through {@link #startTraining} instead, so that its log can be watched live.
     */
    public long save(String name, TrainedModel trained) {
        return save(name, trained, List.of());
    }

    /** {@link #save(String, TrainedModel)}, with the trials of the search that chose it. */
    long save(String name, TrainedModel trained, List<TrialRow> trials) {
        checkName(name);
        return saveVersion(name, store().nextVersion(name), trained, false, trials);
    }

    /**
     * Starts a training of {@code name} whose epochs other connections can follow as they end: see
     * {@link TrainingRun}. {@code side} is a connection to the same database that commits on its own,
     * or null where none can be had; then the log is written with the model, at the end.
     */
    public TrainingRun startTraining(String name, Connection side) {
        checkName(name);
        return TrainingRun.start(this, database, name, side);
    }

    /**
     * Inserts the model row (and, unless a live run wrote them already, its run and training log)
     * and deploys it as its options say.
     */
    long saveVersion(String name, long version, TrainedModel trained, boolean liveRun, List<TrialRow> trials) {
        ModelStore s = store();
        // On H2 a run of this name that says it is running but is not under way in this JVM will never end.
        // On PostgreSQL it may be under way in another client's JVM.
        if (!clientSide()) s.abandonRuns(name, TrainingRun.running(database, name));
        Model model = trained.model();
        String classes = model.task() == Task.CLASSIFICATION ? classesJson(model.classes()) : null;
        s.insertModel(new NewModel(name, version, model.task().sqlName(), trained.options().toJson(),
                model.inputWidth(), model.layers(), classes, trained.metricsJson(),
                trained.trainRows(), trained.seconds(), ModelCodec.encode(model)));
        if (!liveRun) {
            s.insertRun(name, version, RunStatus.SAVED);
            s.insertTrainingLog(name, version, TrainingRun.logEntries(trained.epochs()));
        }
        s.insertTrials(name, version, trials);
        if (shouldDeploy(name, trained)) s.deploy(name, version);
        // Last: the one row the run's own side connection touches, were this statement to fail.
        if (liveRun) s.setRunStatus(name, version, RunStatus.SAVED);
        CACHE.invalidate(database, name, connection);
        return version;
    }

    /**
     * Stores a model made elsewhere (an imported ONNX file) as the next version of {@code name}, in the
     * caller's transaction, and deploys it when {@code name} has no deployed version yet: it was measured
     * on no rows here, so it never displaces a deployed version by itself ({@code ML_DEPLOY} does that).
     * Its row has no metrics, 0 training rows and seconds, and no training run or log.
     *
     * @param sourceJson what {@code OPTIONS} holds for it: where it came from
     * @return the new version
     */
    public long saveImported(String name, Model model, String sourceJson) {
        checkName(name);
        ModelStore s = store();
        byte[] blob = ModelCodec.encode(model); // refuses what the format cannot hold, before anything is written
        long version = s.nextVersion(name);
        for (long running : TrainingRun.running(database, name)) version = Math.max(version, running + 1);
        String classes = model.task() == Task.CLASSIFICATION ? classesJson(model.classes()) : null;
        s.insertModel(new NewModel(name, version, model.task().sqlName(), sourceJson, model.inputWidth(),
                model.layers(), classes, null, 0, 0, blob));
        if (s.deployedVersion(name).isEmpty()) s.deploy(name, version);
        CACHE.invalidate(database, name, connection);
        return version;
    }

    private boolean shouldDeploy(String name, TrainedModel trained) {
        return switch (trained.options().deploy()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case BEST -> {
                var deployed = store().findDeployed(name);
                yield deployed.isEmpty()
                        || Standing.of(trained.metricsJson()).compareTo(Standing.of(deployed.get().metricsJson())) > 0;
            }
        };
    }

    /**
     * How versions rank for {@code deploy: best} and {@code ML_DEPLOY(model)}: like with like. A score
     * on held-out rows beats any score on the training rows (a version trained without held-out rows
     * never displaces one judged on held-out rows); among equals, the higher score (accuracy, or R²)
     * wins. Metrics that do not say where they were measured (older versions) count as held out.
     */
    record Standing(boolean heldOut, double score) implements Comparable<Standing> {

        static Standing of(String metricsJson) {
            if (metricsJson == null) return new Standing(false, Double.NEGATIVE_INFINITY);
            try {
                JsonNode m = JSON.readTree(metricsJson);
                JsonNode v = m.has("accuracy") ? m.get("accuracy") : m.get("r2");
                boolean heldOut = !"training".equals(m.path("evaluated_on").asText());
                return new Standing(heldOut, v != null && v.isNumber() ? v.asDouble() : Double.NEGATIVE_INFINITY);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return new Standing(false, Double.NEGATIVE_INFINITY);
            }
        }

        @Override
        public int compareTo(Standing o) {
            if (heldOut != o.heldOut) return heldOut ? 1 : -1;
            return Double.compare(score, o.score);
        }
    }

    /**
     * Deploys a version (by default the best by its {@link Standing}, the newest among equals) and makes
     * {@code name} the default model. Returns the deployed version.
     */
    public long deploy(String name, Long version) {
        checkName(name);
        List<ModelVersion> versions = store().versions(name);
        if (versions.isEmpty()) throw unknown(name);
        long chosen;
        if (version != null) {
            if (versions.stream().noneMatch(v -> v.version() == version)) {
                throw new UnknownModelException("model " + name + " has no version " + version + versionsHint(name));
            }
            chosen = version;
        } else {
            ModelVersion best = versions.get(0);
            for (ModelVersion v : versions) {
                if (Standing.of(v.metricsJson()).compareTo(Standing.of(best.metricsJson())) >= 0) best = v;
            }
            chosen = best.version();
        }
        store().deploy(name, chosen);
        CACHE.invalidate(database, name, connection);
        return chosen;
    }

    /**
     * Deletes a model's versions (or one version) with their training history, and the history of its
     * trainings that never saved a model, but not that of a training still under way. Returns how
     * many versions went: 0 when only such history did.
     */
    public int drop(String name, Long version) {
        checkName(name);
        Dropped dropped = store().drop(name, version, TrainingRun.running(database, name));
        if (dropped.nothing()) {
            throw version == null ? unknown(name)
                    : new UnknownModelException("model " + name + " has no version " + version + versionsHint(name));
        }
        CACHE.invalidate(database, name, connection);
        return dropped.versions();
    }

    /**
     * The per-epoch log of every version of {@code name}, or of one; that of a training still under way
     * too, and of one that never saved its model (see {@link RunStatus}).
     *
     * @throws UnknownModelException when the name (or version) has no model, no run and no log
     */
    public List<LogRow> trainingLog(String name, Long version) {
        checkName(name);
        if (!store().hasHistory(name, null)) throw unknown(name);
        if (version != null && !store().hasHistory(name, version)) {
            throw new UnknownModelException("model " + name + " has no version " + version + versionsHint(name));
        }
        return store().trainingLog(name, version);
    }

    /**
     * The trials of the hyperparameter search that made a version of {@code name}: of {@code version},
     * or when it is null of the newest version a search made. Returns the version with its trials.
     *
     * @throws UnknownModelException when there is no such model or version, or it was not made by a search
     */
    public java.util.Map.Entry<Long, List<TrialRow>> trials(String name, Long version) {
        checkName(name);
        List<Long> searched = store().searchedVersions(name);
        if (version == null) {
            if (searched.isEmpty()) {
                if (!store().exists(name)) throw unknown(name);
                throw new UnknownModelException("model " + name + " has no version made by a hyperparameter search"
                        + versionsHint(name) + "; train one with \"search\" in ML_TRAIN's options");
            }
            version = searched.get(searched.size() - 1);
        } else if (!searched.contains(version)) {
            if (store().find(name, version).isEmpty()) {
                throw new UnknownModelException("model " + name + " has no version " + version + versionsHint(name));
            }
            throw new UnknownModelException("version " + version + " of model " + name + " was not made by a"
                    + " hyperparameter search, so it has no trials" + (searched.isEmpty() ? ""
                    : " (versions with trials: " + searched + ")"));
        }
        return java.util.Map.entry(version, store().trials(name, version));
    }

    private static String classesJson(List<String> classes) {
        ArrayNode array = JSON.createArrayNode();
        classes.forEach(array::add);
        return array.toString();
    }

}

package dev.sqlnn.client;

import dev.sqlnn.call.Arguments;
import dev.sqlnn.call.OnnxImports;
import dev.sqlnn.call.SqlErrors;
import dev.sqlnn.data.TableName;
import dev.sqlnn.model.GlobalExplanation;
import dev.sqlnn.model.HyperparameterSearch;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelEvaluation;
import dev.sqlnn.model.ModelTrainer;
import dev.sqlnn.model.QueryScorer;
import dev.sqlnn.model.StartingModel;
import dev.sqlnn.model.TrainedModel;
import dev.sqlnn.model.onnx.OnnxExporter;
import dev.sqlnn.nn.TrainingListener;
import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.options.TrainingRequest;
import dev.sqlnn.store.ModelRegistry;
import dev.sqlnn.store.TrainingRun;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * sqlnn's functions for a database that runs no Java of its own (PostgreSQL): the same engine as
 * the H2 functions, in the client JVM, over JDBC. Each reads the query's rows through a cursor
 * (autocommit off, a fetch size), so that no more than a batch of them is in memory besides what the
 * training keeps, and writes in one transaction: its own, committed at the end and rolled back on
 * failure, when the connection was in autocommit mode; else the caller's, which it leaves open.
 *
 * <p>Errors are those of the H2 functions of the same name, with the same SQLStates: {@code 22023}
 * bad argument, option or data, {@code 42704} unknown model, {@code 22000} damaged model; the query's
 * own errors come from the database unchanged.
 */
public final class ClientFunctions {

    /** Rows fetched from the server at a time, and inserted per batch. */
    static final int FETCH_SIZE = 1000;

    private ClientFunctions() {
    }


    /**
     * Trains a new version of {@code model} on the rows of {@code query} and saves it in
     * {@code sqlnn.models}; returns the version. {@code side}, when not null, is a second connection
     * to the same database in autocommit mode: each epoch's {@code sqlnn.training_log} row is
     * committed through it as the epoch ends, for any client to follow; without it the log is
     * written with the model, at the end. A failed training leaves no model row.
     */
    public static long train(Connection connection, String model, String query, String options, Connection side)
            throws SQLException {
        return train(connection, model, query, Arguments.training(model, query, options), side);
    }

    /**
     * {@link #train(Connection, String, String, String, Connection)} with the options parsed already,
     * for a caller that needs them first (the command line sizes its progress bar by them): as
     * {@link Arguments#training} returns them, having checked the model name and the query too.
     */
    public static long train(Connection connection, String model, String query, TrainingRequest request,
                             Connection side) throws SQLException {
        String fn = "ML_TRAIN";
        Objects.requireNonNull(request, "request");
        TrainingOptions options = request.options();
        return inTransaction(connection, () -> SqlErrors.call(fn, () -> {
            try (Statement statement = streaming(connection);
                 ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query)); // its own errors propagate unchanged
                 TrainingRun run = new ModelRegistry(connection).startTraining(model, side)) {
                if (request.search() != null) {
                    return run.save(HyperparameterSearch.run(rows, request.search(), TrainingListener.NONE, run, true));
                }
                StartingModel start = new ModelRegistry(connection).startingModel(model, options.warmStart());
                TrainedModel trained = ModelTrainer.train(rows, options, run, start);
                return run.save(trained);
            }
        }));
    }

    /**
     * Scores the rows of {@code query} with the deployed version of {@code model} and writes them into
     * {@code table}, with the query's columns, then {@code prediction} and, for a classifier,
     * {@code probability}; the table is created when it does not exist, else the rows are appended.
     * Returns the rows written.
     */
    public static long predictInto(Connection connection, String model, String query, String table)
            throws SQLException {
        String fn = "ML_PREDICT";
        Arguments.query(fn, query, "SELECT id, image FROM digits");
        if (!TableName.isPlain(table)) {
            throw SqlErrors.badArgument(fn, "the table must be a plain identifier such as digit_predictions or "
                    + "myschema.digit_predictions; got " + (table == null ? "NULL" : "'" + table + "'"));
        }
        return inTransaction(connection, () -> {
            Model m = deployed(fn, connection, model);
            boolean classifier = m.isClassifier();
            try (Statement statement = streaming(connection);
                 ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
                ResultSetMetaData meta = rows.getMetaData();
                int width = meta.getColumnCount();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    String label = meta.getColumnLabel(i);
                    String lower = label.toLowerCase(Locale.ROOT);
                    if (lower.equals("prediction") || lower.equals("probability")) {
                        throw SqlErrors.badArgument(fn, "the query has a column named " + label + ", which ML_PREDICT"
                                + " adds itself; rename it with AS, e.g. " + label + " AS " + label + "_0");
                    }
                    columns.add(quote(label));
                }
                QueryScorer scorer = SqlErrors.call(fn, () -> new QueryScorer(m, rows, rs -> values(rs, width), null));
                if (!tableExists(connection, table)) createTable(connection, table, meta, columns, m);
                columns.add("prediction");
                if (classifier) columns.add("probability");
                return insertScored(fn, connection, table, columns, scorer, m);
            }
        });
    }

    private static long insertScored(String fn, Connection connection, String table, List<String> columns,
                                     QueryScorer scorer, Model m) throws SQLException {
        boolean classifier = m.isClassifier();
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        long written = 0;
        try (PreparedStatement p = connection.prepareStatement(insert)) {
            int count;
            while ((count = nextBatch(fn, scorer)) > 0) {
                for (int i = 0; i < count; i++) {
                    Object[] values = scorer.values(i);
                    for (int c = 0; c < values.length; c++) p.setObject(c + 1, values[c]);
                    int at = values.length + 1;
                    boolean scored = scorer.scored(i);
                    if (!classifier) {
                        p.setObject(at, scored ? scorer.predictedValue(i) : null, Types.DOUBLE);
                    } else {
                        p.setObject(at, scored ? m.classValue(scorer.predictedClass(i)) : null,
                                sqlType(m.predictionType()));
                        p.setObject(at + 1, scored ? (double) scorer.probability(i) : null, Types.DOUBLE);
                    }
                    p.addBatch();
                }
                p.executeBatch();
                written += count;
            }
        }
        return written;
    }

    private static int nextBatch(String fn, QueryScorer scorer) throws SQLException {
        return SqlErrors.call(fn, scorer::nextBatch);
    }

    /**
     * Measures the deployed version of {@code model} on the rows of {@code query}: features, then the
     * true label, as for training. The same figures as {@code ML_EVALUATE} on H2.
     */
    public static ModelEvaluation evaluate(Connection connection, String model, String query) throws SQLException {
        String fn = "ML_EVALUATE";
        Arguments.query(fn, query, "SELECT image, label FROM digits_test");
        return inTransaction(connection, () -> {
            Model m = deployed(fn, connection, model);
            try (Statement statement = streaming(connection);
                 ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
                return SqlErrors.call(fn, () -> ModelEvaluation.evaluate(m, rows, null));
            }
        });
    }

    /**
     * What the deployed version of {@code model} leans on over the rows of {@code query}: per feature,
     * the mean absolute and mean attribution, largest first, as {@code ML_GLOBAL_EXPLAIN} gives them on H2.
     */
    public static List<GlobalExplanation.Feature> globalExplain(Connection connection, String model, String query)
            throws SQLException {
        String fn = "ML_GLOBAL_EXPLAIN";
        SqlErrors.call(fn, () -> ModelRegistry.checkName(model));
        Arguments.query(fn, query, "SELECT image FROM digits");
        return inTransaction(connection, () -> {
            Model m = deployed(fn, connection, model);
            try (Statement statement = streaming(connection);
                 ResultSet rows = statement.executeQuery(Arguments.asOneQuery(query))) {
                return SqlErrors.call(fn, () -> GlobalExplanation.of(m, rows, null));
            }
        });
    }

    /**
     * Copies a version of {@code model} (null: the deployed one) from one database to another, H2 or
     * PostgreSQL either way, with its training log; it keeps its version number and is deployed in
     * {@code to} when it is in {@code from}. Returns the version copied.
     */
    public static long copyModel(Connection from, Connection to, String model, Long version) throws SQLException {
        String fn = "copyModel"; // the Java API's name (Sqlnn.copyModel): there is no SQL function
        return inTransaction(to, () -> SqlErrors.call(fn, () -> new ModelRegistry(from).copyTo(model, version, new ModelRegistry(to))));
    }

    /**
     * {@code ML_EXPORT}: a version of {@code model} (null: the deployed one) as an ONNX file, read here
     * from any database sqlnn is installed in; the graph is {@link OnnxExporter}'s.
     */
    public static byte[] export(Connection connection, String model, Long version) throws SQLException {
        String fn = "ML_EXPORT";
        return inTransaction(connection, () -> SqlErrors.call(fn, () -> {
            ModelRegistry registry = new ModelRegistry(connection);
            String name = ModelRegistry.checkName(model);
            Model m = version == null ? registry.deployedNow(name) : registry.versionNow(name, version);
            return OnnxExporter.exportBytes(m);
        }));
    }

    /**
     * {@code ML_IMPORT_ONNX}: stores an ONNX multilayer perceptron as the next version of {@code model},
     * deployed when the model has no deployed version; returns the version.
     */
    public static long importOnnx(Connection connection, String model, byte[] onnx) throws SQLException {
        return inTransaction(connection, () -> OnnxImports.importOnnx(connection, model, onnx));
    }

    /** {@code ML_DEPLOY}: deploys a version (null: the best by its stored score); returns it. */
    public static long deploy(Connection connection, String model, Long version) throws SQLException {
        return inTransaction(connection, () -> SqlErrors.call("ML_DEPLOY", () -> new ModelRegistry(connection).deploy(model, version)));
    }

    /** {@code ML_DROP}: deletes every version of a model (or one) with its training history; returns how many. */
    public static int drop(Connection connection, String model, Long version) throws SQLException {
        return inTransaction(connection, () -> SqlErrors.call("ML_DROP", () -> new ModelRegistry(connection).drop(model, version)));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Runs {@code work} in a transaction: the connection's own when it is in one already (left open),
     * else a new one, committed, or rolled back on failure, with autocommit restored.
     */
    private static <T> T inTransaction(Connection connection, SqlErrors.Work<T> work) throws SQLException {
        if (!connection.getAutoCommit()) return work.run();
        connection.setAutoCommit(false); // PostgreSQL's driver keeps a cursor only inside a transaction
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** A statement whose results come from a server-side cursor, {@link #FETCH_SIZE} rows at a time. */
    private static Statement streaming(Connection connection) throws SQLException {
        Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        statement.setFetchSize(FETCH_SIZE);
        return statement;
    }

    private static Object[] values(ResultSet rs, int width) throws SQLException {
        Object[] values = new Object[width];
        for (int i = 0; i < width; i++) values[i] = rs.getObject(i + 1);
        return values;
    }

    private static boolean tableExists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        int dot = table.indexOf('.');
        String schema = dot < 0 ? connection.getSchema() : fold(meta, table.substring(0, dot));
        String name = fold(meta, table.substring(dot + 1));
        try (ResultSet tables = meta.getTables(null, schema, name, null)) {
            while (tables.next()) {
                if (tables.getString("TABLE_NAME").equals(name)) return true; // '_' matched any character
            }
        }
        return false;
    }

    private static String fold(DatabaseMetaData meta, String identifier) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) return identifier.toUpperCase(Locale.ROOT);
        if (meta.storesLowerCaseIdentifiers()) return identifier.toLowerCase(Locale.ROOT);
        return identifier;
    }

    /** Creates the table with the query's columns, typed by the database's own type names, and the predictions. */
    private static void createTable(Connection connection, String table, ResultSetMetaData meta, List<String> columns,
                                    Model m) throws SQLException {
        List<String> definitions = new ArrayList<>();
        for (int i = 1; i <= columns.size(); i++) {
            definitions.add(columns.get(i - 1) + " " + typeName(meta, i));
        }
        definitions.add("prediction " + switch (m.predictionType()) {
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case TEXT -> "VARCHAR(1000)";
            case DOUBLE -> "DOUBLE PRECISION";
        });
        if (m.isClassifier()) definitions.add("probability DOUBLE PRECISION");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE " + table + " (" + String.join(", ", definitions) + ")");
        }
    }

    /** A column's type as the database names it, with its length or precision where the name needs one. */
    private static String typeName(ResultSetMetaData meta, int i) throws SQLException {
        String name = meta.getColumnTypeName(i);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("_")) return quote(name); // a PostgreSQL array type, e.g. _float4 is real[]
        if ((lower.equals("numeric") || lower.equals("decimal")) && meta.getPrecision(i) > 0
                && meta.getPrecision(i) <= 1000) {
            return name + "(" + meta.getPrecision(i) + ", " + Math.max(0, meta.getScale(i)) + ")";
        }
        if (lower.equals("serial")) return "integer";
        if (lower.equals("bigserial")) return "bigint";
        return name.contains(" ") || name.matches("[A-Za-z_][A-Za-z0-9_]*") ? name : quote(name);
    }

    /** The JDBC type a prediction is bound as. */
    private static int sqlType(Model.PredictionType type) {
        return switch (type) {
            case INTEGER -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case TEXT -> Types.VARCHAR;
            case DOUBLE -> Types.DOUBLE;
        };
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static Model deployed(String fn, Connection connection, String model) throws SQLException {
        return SqlErrors.call(fn, () -> new ModelRegistry(connection).deployedNow(ModelRegistry.checkName(model)));
    }
}

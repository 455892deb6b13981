package dev.sqlnn.store;

import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.time.OffsetDateTime;

/**
 * sqlnn's tables and columns, named in one place. The names are written in upper case, as H2 stores
 * them; on a database that folds identifiers to lower case (PostgreSQL) {@link ModelStore} tells jOOQ
 * to render every name in lower case, so the same constants serve both.
 */
final class StoreTables {

    static final String SCHEMA = "SQLNN";

    static final class Models {
        static final Table<Record> TABLE = table("MODELS");
        static final Field<Long> ID = field(TABLE, "ID", SQLDataType.BIGINT);
        static final Field<String> NAME = field(TABLE, "NAME", SQLDataType.VARCHAR);
        static final Field<Long> VERSION = field(TABLE, "VERSION", SQLDataType.BIGINT);
        static final Field<String> TASK = field(TABLE, "TASK", SQLDataType.VARCHAR);
        static final Field<OffsetDateTime> CREATED_AT = field(TABLE, "CREATED_AT", SQLDataType.TIMESTAMPWITHTIMEZONE);
        // JSON typed, so that jOOQ binds JSON (on H2: "? FORMAT JSON"), not a string that H2 would quote.
        static final Field<JSON> OPTIONS = field(TABLE, "OPTIONS", SQLDataType.JSON);
        static final Field<Integer> INPUT_WIDTH = field(TABLE, "INPUT_WIDTH", SQLDataType.INTEGER);
        static final Field<String> LAYERS = field(TABLE, "LAYERS", SQLDataType.VARCHAR);
        static final Field<JSON> CLASSES = field(TABLE, "CLASSES", SQLDataType.JSON);
        static final Field<JSON> METRICS = field(TABLE, "METRICS", SQLDataType.JSON);
        static final Field<Long> TRAIN_ROWS = field(TABLE, "TRAIN_ROWS", SQLDataType.BIGINT);
        static final Field<Double> TRAIN_SECONDS = field(TABLE, "TRAIN_SECONDS", SQLDataType.DOUBLE);
        static final Field<Boolean> DEPLOYED = field(TABLE, "DEPLOYED", SQLDataType.BOOLEAN);
        static final Field<byte[]> WEIGHTS = field(TABLE, "WEIGHTS", SQLDataType.BLOB);

        private Models() {
        }
    }

    static final class TrainingLog {
        static final Table<Record> TABLE = table("TRAINING_LOG");
        static final Field<String> NAME = field(TABLE, "NAME", SQLDataType.VARCHAR);
        static final Field<Long> VERSION = field(TABLE, "VERSION", SQLDataType.BIGINT);
        static final Field<Integer> EPOCH = field(TABLE, "EPOCH", SQLDataType.INTEGER);
        static final Field<Double> TRAIN_LOSS = field(TABLE, "TRAIN_LOSS", SQLDataType.DOUBLE);
        static final Field<Double> VALIDATION_LOSS = field(TABLE, "VALIDATION_LOSS", SQLDataType.DOUBLE);
        static final Field<Double> VALIDATION_METRIC = field(TABLE, "VALIDATION_METRIC", SQLDataType.DOUBLE);
        static final Field<Double> LEARNING_RATE = field(TABLE, "LEARNING_RATE", SQLDataType.DOUBLE);
        static final Field<Double> SECONDS = field(TABLE, "SECONDS", SQLDataType.DOUBLE);
        static final Field<Double> ROWS_PER_SECOND = field(TABLE, "ROWS_PER_SECOND", SQLDataType.DOUBLE);

        private TrainingLog() {
        }
    }

    static final class TrainingRuns {
        static final Table<Record> TABLE = table("TRAINING_RUNS");
        static final Field<String> NAME = field(TABLE, "NAME", SQLDataType.VARCHAR);
        static final Field<Long> VERSION = field(TABLE, "VERSION", SQLDataType.BIGINT);
        static final Field<String> STATUS = field(TABLE, "STATUS", SQLDataType.VARCHAR);
        static final Field<OffsetDateTime> STARTED_AT = field(TABLE, "STARTED_AT", SQLDataType.TIMESTAMPWITHTIMEZONE);
        static final Field<OffsetDateTime> ENDED_AT = field(TABLE, "ENDED_AT", SQLDataType.TIMESTAMPWITHTIMEZONE);

        private TrainingRuns() {
        }
    }

    static final class Trials {
        static final Table<Record> TABLE = table("TRIALS");
        static final Field<String> NAME = field(TABLE, "NAME", SQLDataType.VARCHAR);
        static final Field<Long> VERSION = field(TABLE, "VERSION", SQLDataType.BIGINT);
        static final Field<Integer> TRIAL = field(TABLE, "TRIAL", SQLDataType.INTEGER);
        static final Field<JSON> OPTIONS = field(TABLE, "OPTIONS", SQLDataType.JSON);
        static final Field<Double> SCORE = field(TABLE, "SCORE", SQLDataType.DOUBLE);
        static final Field<Double> SECONDS = field(TABLE, "SECONDS", SQLDataType.DOUBLE);
        static final Field<JSON> FOLD_SCORES = field(TABLE, "FOLD_SCORES", SQLDataType.JSON);
        static final Field<Boolean> BEST = field(TABLE, "BEST", SQLDataType.BOOLEAN);

        private Trials() {
        }
    }

    static final class Deployments {
        static final Table<Record> TABLE = table("DEPLOYMENTS");
        static final Field<Long> ID = field(TABLE, "ID", SQLDataType.BIGINT);
        static final Field<String> NAME = field(TABLE, "NAME", SQLDataType.VARCHAR);
        static final Field<Long> VERSION = field(TABLE, "VERSION", SQLDataType.BIGINT);

        private Deployments() {
        }
    }

    private StoreTables() {
    }

    private static Table<Record> table(String name) {
        return DSL.table(DSL.name(SCHEMA, name));
    }

    /** Columns are qualified by their table, so that correlated subqueries need no aliases. */
    private static <T> Field<T> field(Table<?> table, String column, DataType<T> type) {
        Name qualified = table.getQualifiedName().append(column);
        return DSL.field(qualified, type);
    }
}

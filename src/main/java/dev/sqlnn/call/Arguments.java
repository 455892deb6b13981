package dev.sqlnn.call;

import dev.sqlnn.options.TrainingOptions;
import dev.sqlnn.store.ModelRegistry;

import java.sql.SQLException;

/** The argument checks that every front door makes alike, with the same messages and SQLStates. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * Checks {@code ML_TRAIN}'s arguments, before any query runs: a valid model name, a query, and
     * options that parse. Returns the options, parsed once for the whole call.
     */
    public static TrainingOptions training(String model, String query, String options) throws SQLException {
        return SqlErrors.call("ML_TRAIN", () -> {
            ModelRegistry.checkName(model);
            if (query == null || query.isBlank()) {
                throw SqlErrors.badArgument("ML_TRAIN", "the training query is empty; pass a SELECT whose last column is "
                        + "the label, e.g. 'SELECT image, label FROM digits'");
            }
            return TrainingOptions.parse(options);
        });
    }

    /** Refuses an empty query of {@code function}, suggesting {@code example}. */
    public static void query(String function, String query, String example) throws SQLException {
        if (query == null || query.isBlank()) {
            throw SqlErrors.badArgument(function, "the query is empty; pass a SELECT, e.g. '" + example + "'");
        }
    }

    /** The query stripped, without the trailing semicolons a user may type. */
    public static String withoutTrailingSemicolons(String query) {
        String body = query.strip();
        while (body.endsWith(";")) body = body.substring(0, body.length() - 1).stripTrailing();
        return body;
    }

    /**
     * The query as a derived table, so that the database itself refuses a second statement
     * ({@code SELECT ...; DROP TABLE t}) before running any of it: PostgreSQL would run
     * them all, with the caller's rights, where H2's functions check for one statement. A trailing
     * {@code ;} is allowed; the newline ends a trailing {@code --} comment.
     */
    public static String asOneQuery(String query) {
        return "SELECT * FROM (" + withoutTrailingSemicolons(query) + "\n) AS sqlnn_query";
    }
}

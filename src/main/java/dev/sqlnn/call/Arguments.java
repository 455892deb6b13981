package dev.sqlnn.call;

import dev.sqlnn.options.TrainingRequest;
import dev.sqlnn.store.ModelRegistry;

import java.sql.SQLException;

/** The argument checks that every front door makes alike, with the same messages and SQLStates. */
public final class Arguments {

    private Arguments() {
    }

    /**
     * Checks {@code ML_TRAIN}'s arguments, before any query runs: a valid model name, a query, and
     * options that parse (a hyperparameter search's too). Returns the options, parsed once for the
     * whole call.
     */
    public static TrainingRequest training(String model, String query, String options) throws SQLException {
        return SqlErrors.call("ML_TRAIN", () -> {
            ModelRegistry.checkName(model);
            if (query == null || query.isBlank()) {
                throw SqlErrors.badArgument("ML_TRAIN", "the training query is empty; pass a SELECT whose last column is "
                        + "the label, e.g. 'SELECT image, label FROM digits'");
            }
            return TrainingRequest.parse(options);
        });
    }

    /** Refuses an empty query of {@code function}, suggesting {@code example}. */
    public static void query(String function, String query, String example) throws SQLException {
        if (query == null || query.isBlank()) {
            throw SqlErrors.badArgument(function, "the query is empty; pass a SELECT, e.g. '" + example + "'");
        }
    }

    /** The features per row that {@code ML_EXPLAIN_PREDICT} lists when {@code top_k} is left out. */
    public static final int DEFAULT_TOP_K = 5;
    /** A larger {@code top_k} is a typo, not a wish: no model has a million inputs worth listing per row. */
    public static final int MAX_TOP_K = 1_000_000;

    /** Checks {@code ML_EXPLAIN_PREDICT}'s {@code top_k}: 1 to {@link #MAX_TOP_K}, not NULL. */
    public static int topK(String function, Integer topK) throws SQLException {
        if (topK == null) {
            throw SqlErrors.badArgument(function, "top_k is NULL; pass how many features to list per row, 1 to "
                    + MAX_TOP_K + ", or leave it out for " + DEFAULT_TOP_K);
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw SqlErrors.badArgument(function, "top_k must be 1 to " + MAX_TOP_K + " features per row; got " + topK
                    + " (a value above the model's feature count lists them all)");
        }
        return topK;
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

-- Why a model predicts what it does: aliases to public static methods of dev.sqlnn.sql.ExplainFunctions.
-- Attributions by integrated gradients from the zero input of the network (see the README, "Why this prediction").
-- ML_EXPLAIN_PREDICT(model, query[, top_k]): the query's rows with PREDICTION, PROBABILITY (classifiers),
--   BASELINE, RANK, FEATURE, ATTRIBUTION: one row per row of the query and feature among its top_k (default 5).
-- ML_GLOBAL_EXPLAIN(model, query): RANK, FEATURE, MEAN_ABS_ATTRIBUTION, MEAN_ATTRIBUTION, one row per feature.
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_EXPLAIN_PREDICT FOR 'dev.sqlnn.sql.ExplainFunctions.explainPredict';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_GLOBAL_EXPLAIN FOR 'dev.sqlnn.sql.ExplainFunctions.globalExplain';

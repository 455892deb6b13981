-- sqlnn's functions inside PostgreSQL, in schema sqlnn, run by PL/Java in the caller's backend with the
-- caller's rights (SECURITY INVOKER, the default). Run by dev.sqlnn.pg.PgInstaller after sqlnn's jars are
-- loaded and on the schema's class path; every statement is idempotent (CREATE OR REPLACE).
-- Arrays reach Java as double precision[] (a float4 widened and narrowed again is the same float) and
-- without their NULLs (PL/Java reads a NULL element as 0), so the SQL wrappers pass
-- array_position(features, NULL) along for the Java side to refuse it, as H2's functions do.

CREATE OR REPLACE FUNCTION sqlnn.notice(message text) RETURNS void LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE '%', message; END $$;

CREATE OR REPLACE FUNCTION sqlnn.ml_train(model text, query text, options text DEFAULT NULL) RETURNS bigint
  LANGUAGE java AS 'long=dev.sqlnn.pg.PgFunctions.train(java.lang.String, java.lang.String, java.lang.String)';

CREATE OR REPLACE FUNCTION sqlnn.ml_import_onnx(model text, blob bytea) RETURNS bigint
  LANGUAGE java AS 'long=dev.sqlnn.pg.PgFunctions.importOnnx(java.lang.String, byte[])';

CREATE OR REPLACE FUNCTION sqlnn.predict(features bytea) RETURNS integer
  LANGUAGE java AS 'java.lang.Integer=dev.sqlnn.pg.PgFunctions.predict(byte[])';
CREATE OR REPLACE FUNCTION sqlnn.predict(model text, features bytea) RETURNS integer
  LANGUAGE java AS 'java.lang.Integer=dev.sqlnn.pg.PgFunctions.predict(java.lang.String, byte[])';
CREATE OR REPLACE FUNCTION sqlnn._predict(model text, features double precision[], null_at integer) RETURNS integer
  LANGUAGE java AS 'java.lang.Integer=dev.sqlnn.pg.PgFunctions.predict(java.lang.String, double[], java.lang.Integer)';
CREATE OR REPLACE FUNCTION sqlnn.predict(model text, features real[]) RETURNS integer
  LANGUAGE sql AS $$ SELECT sqlnn._predict(model, features::double precision[], array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict(model text, features double precision[]) RETURNS integer
  LANGUAGE sql AS $$ SELECT sqlnn._predict(model, features, array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict(model text, features numeric[]) RETURNS integer
  LANGUAGE sql AS $$ SELECT sqlnn._predict(model, features::double precision[], array_position(features, NULL)) $$;

CREATE OR REPLACE FUNCTION sqlnn.predict_label(model text, features bytea) RETURNS text
  LANGUAGE java AS 'java.lang.String=dev.sqlnn.pg.PgFunctions.predictLabel(java.lang.String, byte[])';
CREATE OR REPLACE FUNCTION sqlnn._predict_label(model text, features double precision[], null_at integer) RETURNS text
  LANGUAGE java AS 'java.lang.String=dev.sqlnn.pg.PgFunctions.predictLabel(java.lang.String, double[], java.lang.Integer)';
CREATE OR REPLACE FUNCTION sqlnn.predict_label(model text, features double precision[]) RETURNS text
  LANGUAGE sql AS $$ SELECT sqlnn._predict_label(model, features, array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_label(model text, features real[]) RETURNS text
  LANGUAGE sql AS $$ SELECT sqlnn._predict_label(model, features::double precision[], array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_label(model text, features numeric[]) RETURNS text
  LANGUAGE sql AS $$ SELECT sqlnn._predict_label(model, features::double precision[], array_position(features, NULL)) $$;

CREATE OR REPLACE FUNCTION sqlnn.predict_value(model text, features bytea) RETURNS double precision
  LANGUAGE java AS 'java.lang.Double=dev.sqlnn.pg.PgFunctions.predictValue(java.lang.String, byte[])';
CREATE OR REPLACE FUNCTION sqlnn._predict_value(model text, features double precision[], null_at integer) RETURNS double precision
  LANGUAGE java AS 'java.lang.Double=dev.sqlnn.pg.PgFunctions.predictValue(java.lang.String, double[], java.lang.Integer)';
CREATE OR REPLACE FUNCTION sqlnn.predict_value(model text, features double precision[]) RETURNS double precision
  LANGUAGE sql AS $$ SELECT sqlnn._predict_value(model, features, array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_value(model text, features real[]) RETURNS double precision
  LANGUAGE sql AS $$ SELECT sqlnn._predict_value(model, features::double precision[], array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_value(model text, features numeric[]) RETURNS double precision
  LANGUAGE sql AS $$ SELECT sqlnn._predict_value(model, features::double precision[], array_position(features, NULL)) $$;

CREATE OR REPLACE FUNCTION sqlnn.predict_proba(model text, features bytea) RETURNS real[]
  LANGUAGE java AS 'float[]=dev.sqlnn.pg.PgFunctions.predictProba(java.lang.String, byte[])';
CREATE OR REPLACE FUNCTION sqlnn._predict_proba(model text, features double precision[], null_at integer) RETURNS real[]
  LANGUAGE java AS 'float[]=dev.sqlnn.pg.PgFunctions.predictProba(java.lang.String, double[], java.lang.Integer)';
CREATE OR REPLACE FUNCTION sqlnn.predict_proba(model text, features double precision[]) RETURNS real[]
  LANGUAGE sql AS $$ SELECT sqlnn._predict_proba(model, features, array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_proba(model text, features real[]) RETURNS real[]
  LANGUAGE sql AS $$ SELECT sqlnn._predict_proba(model, features::double precision[], array_position(features, NULL)) $$;
CREATE OR REPLACE FUNCTION sqlnn.predict_proba(model text, features numeric[]) RETURNS real[]
  LANGUAGE sql AS $$ SELECT sqlnn._predict_proba(model, features::double precision[], array_position(features, NULL)) $$;

-- Set-returning functions: Java yields one JSON object per row; the wrapper types its columns.
CREATE OR REPLACE FUNCTION sqlnn._ml_evaluate(model text, query text) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.evaluate(java.lang.String, java.lang.String)';
CREATE OR REPLACE FUNCTION sqlnn.ml_evaluate(model text, query text)
  RETURNS TABLE (metric text, class text, score double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_evaluate(model, query) AS j,
    json_to_record(j::json) AS r(metric text, class text, score double precision) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_confusion_matrix(model text, query text) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.confusionMatrix(java.lang.String, java.lang.String)';
CREATE OR REPLACE FUNCTION sqlnn.ml_confusion_matrix(model text, query text)
  RETURNS TABLE (actual text, predicted text, count bigint)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_confusion_matrix(model, query) AS j,
    json_to_record(j::json) AS r(actual text, predicted text, count bigint) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_roc_curve(model text, query text, class text) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.rocCurve(java.lang.String, java.lang.String, java.lang.String)';
CREATE OR REPLACE FUNCTION sqlnn.ml_roc_curve(model text, query text, class text)
  RETURNS TABLE (threshold double precision, tpr double precision, fpr double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_roc_curve(model, query, class) AS j,
    json_to_record(j::json) AS r(threshold double precision, tpr double precision, fpr double precision) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_predict(model text, query text) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.predictRows(java.lang.String, java.lang.String)';
CREATE OR REPLACE FUNCTION sqlnn.ml_predict(model text, query text)
  RETURNS TABLE (key text, prediction text, probability double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_predict(model, query) AS j,
    json_to_record(j::json) AS r(key text, prediction text, probability double precision) $$;

-- Why this prediction: integrated gradients from the zero network input (see the README).
CREATE OR REPLACE FUNCTION sqlnn._ml_explain_predict(model text, query text, top_k integer) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.explainRows(java.lang.String, java.lang.String, java.lang.Integer)';
CREATE OR REPLACE FUNCTION sqlnn.ml_explain_predict(model text, query text, top_k integer DEFAULT 5)
  RETURNS TABLE (key text, prediction text, probability double precision, baseline double precision, rank integer,
                 feature text, attribution double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_explain_predict(model, query, top_k) AS j,
    json_to_record(j::json) AS r(key text, prediction text, probability double precision, baseline double precision,
      rank integer, feature text, attribution double precision) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_global_explain(model text, query text) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.globalExplain(java.lang.String, java.lang.String)';
CREATE OR REPLACE FUNCTION sqlnn.ml_global_explain(model text, query text)
  RETURNS TABLE (rank integer, feature text, mean_abs_attribution double precision, mean_attribution double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_global_explain(model, query) AS j,
    json_to_record(j::json) AS r(rank integer, feature text, mean_abs_attribution double precision,
      mean_attribution double precision) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_training_info(model text, version bigint) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.trainingInfo(java.lang.String, java.lang.Long)';
CREATE OR REPLACE FUNCTION sqlnn.ml_training_info(model text, version bigint DEFAULT NULL)
  RETURNS TABLE (version bigint, epoch integer, train_loss double precision, validation_loss double precision,
                 validation_metric double precision, learning_rate double precision, seconds double precision,
                 rows_per_second double precision)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_training_info(model, version) AS j,
    json_to_record(j::json) AS r(version bigint, epoch integer, train_loss double precision,
      validation_loss double precision, validation_metric double precision, learning_rate double precision,
      seconds double precision, rows_per_second double precision) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_trials(model text, version bigint) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.trials(java.lang.String, java.lang.Long)';
CREATE OR REPLACE FUNCTION sqlnn.ml_trials(model text, version bigint DEFAULT NULL)
  RETURNS TABLE (version bigint, trial integer, options jsonb, score double precision, seconds double precision,
                 best boolean, fold_scores jsonb)
  LANGUAGE sql AS $$ SELECT r.version, r.trial, r.options::jsonb, r.score, r.seconds, r.best, r.fold_scores::jsonb
    FROM sqlnn._ml_trials(model, version) AS j,
    json_to_record(j::json) AS r(version bigint, trial integer, options text, score double precision,
      seconds double precision, best boolean, fold_scores text) $$;

CREATE OR REPLACE FUNCTION sqlnn._ml_weights(model text, version bigint) RETURNS SETOF text
  LANGUAGE java AS 'dev.sqlnn.pg.PgFunctions.weights(java.lang.String, java.lang.Long)';
CREATE OR REPLACE FUNCTION sqlnn.ml_weights(model text, version bigint DEFAULT NULL)
  RETURNS TABLE (layer integer, output_unit integer, input_unit integer, weight real)
  LANGUAGE sql AS $$ SELECT r.* FROM sqlnn._ml_weights(model, version) AS j,
    json_to_record(j::json) AS r(layer integer, output_unit integer, input_unit integer, weight real) $$;

CREATE OR REPLACE FUNCTION sqlnn.ml_export(model text, version bigint DEFAULT NULL) RETURNS bytea
  LANGUAGE java AS 'byte[]=dev.sqlnn.pg.PgFunctions.export(java.lang.String, java.lang.Long)';

CREATE OR REPLACE FUNCTION sqlnn.ml_deploy(model text, version bigint DEFAULT NULL) RETURNS bigint
  LANGUAGE java AS 'long=dev.sqlnn.pg.PgFunctions.deploy(java.lang.String, java.lang.Long)';
CREATE OR REPLACE FUNCTION sqlnn.ml_drop(model text, version bigint DEFAULT NULL) RETURNS integer
  LANGUAGE java AS 'int=dev.sqlnn.pg.PgFunctions.drop(java.lang.String, java.lang.Long)';
CREATE OR REPLACE FUNCTION sqlnn.ml_info() RETURNS text
  LANGUAGE java AS 'java.lang.String=dev.sqlnn.pg.PgFunctions.info()';

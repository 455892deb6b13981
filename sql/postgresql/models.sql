-- sqlnn on PostgreSQL: queries for psql. PostgreSQL runs no Java, so sqlnn trains and scores in the
-- client JVM (the command line, or dev.sqlnn.Sqlnn in an application); these read what it writes into
-- schema sqlnn, from any client, e.g.  psql "$DATABASE" -f sql/postgresql/models.sql
--
--   bin/sqlnn train   --url "jdbc:postgresql://localhost/mydb?user=me&password=secret" --model digits \
--                     --query 'SELECT image, label FROM digits' --options '{"hidden":[128],"epochs":5}'
--   bin/sqlnn predict --url ... --model digits --query 'SELECT id, image FROM digits_test' --into digit_predictions
--   bin/sqlnn eval    --url ... --model digits --query 'SELECT image, label FROM digits_test'
--   bin/sqlnn models copy --from "jdbc:postgresql://..." --to jdbc:h2:./sqlnn --model digits

-- Every version, which is deployed, and its key metrics (metrics are jsonb).
SELECT name, version, deployed, layers, train_rows,
       round((metrics->>'accuracy')::numeric, 4) AS accuracy,
       round(train_seconds::numeric, 1) AS seconds, created_at
FROM sqlnn.models
ORDER BY name, version;

-- A training as it runs: each epoch's row is committed as the epoch ends.
SELECT r.status, l.version, l.epoch, round(l.train_loss::numeric, 4) AS train_loss,
       round(l.validation_metric::numeric, 4) AS validation_metric, round(l.rows_per_second::numeric) AS rows_per_second
FROM sqlnn.training_log l
JOIN sqlnn.training_runs r USING (name, version)
WHERE l.name = 'digits'
ORDER BY l.version, l.epoch;

-- The predictions that `sqlnn predict --into digit_predictions` wrote, against the true labels.
SELECT round(avg(CASE WHEN p.prediction = t.label THEN 1.0 ELSE 0 END), 4) AS accuracy, count(*) AS rows
FROM digit_predictions p
JOIN digits_test t USING (id);

-- The digits it is least sure of.
SELECT id, prediction, round(probability::numeric, 3) AS probability
FROM digit_predictions
ORDER BY probability
LIMIT 10;

-- sqlnn quickstart: the whole flow in SQL, for the H2 console or any JDBC tool.
-- Run it with `bin/sqlnn sql -f sql/quickstart.sql` (add --url jdbc:h2:./other for another database),
-- which installs sqlnn first; elsewhere, sqlnn must be installed in the database (bin/sqlnn install,
-- or dev.sqlnn.Sqlnn.install(dataSource)). Paths below are relative to the directory the database
-- server was started in (the repository root here); ML_IMPORT_IDX needs an admin user.

-- Load the bundled MNIST digits: 8,000 for training, 2,000 for testing (ID, IMAGE VARBINARY(784), LABEL INT).
CALL ML_IMPORT_IDX('DIGITS', 'src/main/resources/dev/sqlnn/data/mnist10k-train-images-idx3-ubyte.gz',
                   'src/main/resources/dev/sqlnn/data/mnist10k-train-labels-idx1-ubyte.gz', TRUE);
CALL ML_IMPORT_IDX('DIGITS_TEST', 'src/main/resources/dev/sqlnn/data/mnist10k-test-images-idx3-ubyte.gz',
                   'src/main/resources/dev/sqlnn/data/mnist10k-test-labels-idx1-ubyte.gz', TRUE);

-- What is active: version, SIMD kernels, threads.
SELECT ML_INFO();

-- Train the founding network: 784-1024-512-10, ReLU, softmax + cross-entropy, Adam, batch 64,
-- 5 epochs, 10% of the rows held out for validation. Returns the new version number.
SELECT ML_TRAIN('digits_mlp', 'SELECT image, label FROM digits',
                '{"hidden":[1024,512],"epochs":5,"batch_size":64,"optimizer":"adam",
                  "learning_rate":0.001,"validation_fraction":0.1}');

-- Every version is a row; metrics are JSON measured on the validation rows.
SELECT name, version, layers, metrics, deployed FROM SQLNN.MODELS;

-- The per-epoch training log. Each epoch's row is committed as the epoch ends: run this from a second
-- connection while ML_TRAIN works to follow it; SQLNN.TRAINING_RUNS says whether it still runs.
SELECT * FROM ML_TRAINING_INFO('digits_mlp');
SELECT name, version, status, started_at, ended_at FROM SQLNN.TRAINING_RUNS;

-- Score: by the default model (the one deployed last), or by name.
SELECT id, PREDICT(image) AS predicted, label FROM digits_test ORDER BY id LIMIT 10;
SELECT AVG(CASE WHEN PREDICT('digits_mlp', image) = label THEN 1.0 ELSE 0 END) AS test_accuracy FROM digits_test;
SELECT id, PREDICT_PROBA('digits_mlp', image) AS probabilities FROM digits_test ORDER BY id LIMIT 3;

-- Whole queries at once: predictions in batches, and the model measured on labelled rows.
SELECT id, prediction, probability, label FROM ML_PREDICT('digits_mlp', 'SELECT id, image, label FROM digits_test')
 ORDER BY id LIMIT 10;
SELECT * FROM ML_EVALUATE('digits_mlp', 'SELECT image, label FROM digits_test');
SELECT actual, predicted, count FROM ML_CONFUSION_MATRIX('digits_mlp', 'SELECT image, label FROM digits_test')
 WHERE actual <> predicted ORDER BY count DESC LIMIT 10;
SELECT * FROM ML_ROC_CURVE('digits_mlp', 'SELECT image, label FROM digits_test', '7');
SELECT layer, COUNT(*) AS parameters, AVG(ABS(weight)) AS mean_magnitude FROM ML_WEIGHTS('digits_mlp') GROUP BY layer;

-- A second version with other options; `deploy` is 'best' by default, so it is deployed only
-- if its validation accuracy is higher. Deploy any version by hand, or drop one.
SELECT ML_TRAIN('digits_mlp', 'SELECT image, label FROM digits', '{"hidden":[256],"epochs":3}');
SELECT version, metrics, deployed FROM SQLNN.MODELS WHERE name = 'digits_mlp' ORDER BY version;
SELECT ML_DEPLOY('digits_mlp', 1);
SELECT ML_DROP('digits_mlp', 2);

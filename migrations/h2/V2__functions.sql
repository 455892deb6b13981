-- sqlnn's SQL functions: aliases to public static methods of dev.sqlnn.sql.Functions.
-- They live in PUBLIC so that they can be called unqualified; overloads differ in argument count.
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_TRAIN FOR 'dev.sqlnn.sql.Functions.train';
CREATE ALIAS IF NOT EXISTS PUBLIC.PREDICT FOR 'dev.sqlnn.sql.Functions.predict';
CREATE ALIAS IF NOT EXISTS PUBLIC.PREDICT_LABEL FOR 'dev.sqlnn.sql.Functions.predictLabel';
CREATE ALIAS IF NOT EXISTS PUBLIC.PREDICT_VALUE FOR 'dev.sqlnn.sql.Functions.predictValue';
CREATE ALIAS IF NOT EXISTS PUBLIC.PREDICT_PROBA FOR 'dev.sqlnn.sql.Functions.predictProba';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_TRAINING_INFO FOR 'dev.sqlnn.sql.Functions.trainingInfo';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_DEPLOY FOR 'dev.sqlnn.sql.Functions.deploy';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_DROP FOR 'dev.sqlnn.sql.Functions.drop';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_INFO FOR 'dev.sqlnn.sql.Functions.info';

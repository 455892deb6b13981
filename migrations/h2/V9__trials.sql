-- Hyperparameter search: one row per trial of a search (ML_TRAIN with "search"), written with the
-- version the search saved, in the caller's transaction: a search that fails or is cancelled leaves none.
-- OPTIONS holds the trial's searched values only (the saved version's OPTIONS are the best trial's whole
-- options); SCORE is accuracy, or R² for a regression, on held-out rows, with cv the mean of FOLD_SCORES.
-- No foreign key to MODELS, like the training log: ML_DROP deletes them with the version.
CREATE TABLE SQLNN.TRIALS (
    NAME        VARCHAR(128) NOT NULL,
    VERSION     BIGINT NOT NULL,
    TRIAL       INTEGER NOT NULL,
    OPTIONS     JSON NOT NULL,
    SCORE       DOUBLE PRECISION,
    SECONDS     DOUBLE PRECISION NOT NULL,
    FOLD_SCORES JSON,
    BEST        BOOLEAN NOT NULL,
    CONSTRAINT TRIALS_PK PRIMARY KEY (NAME, VERSION, TRIAL)
);

CREATE ALIAS IF NOT EXISTS PUBLIC.ML_TRIALS FOR 'dev.sqlnn.sql.Functions.trials';

-- One row per trial of a hyperparameter search, as on H2 (see migrations/h2/V9__trials.sql).
CREATE TABLE sqlnn.trials (
    name        VARCHAR(128) NOT NULL,
    version     BIGINT NOT NULL,
    trial       INTEGER NOT NULL,
    options     JSONB NOT NULL,
    score       DOUBLE PRECISION,
    seconds     DOUBLE PRECISION NOT NULL,
    fold_scores JSONB,
    best        BOOLEAN NOT NULL,
    CONSTRAINT trials_pk PRIMARY KEY (name, version, trial)
);

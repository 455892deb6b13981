-- Live training history. ML_TRAIN writes each epoch's TRAINING_LOG row as soon as the epoch ends,
-- through a session of its own that commits at once, so that other connections can follow a training
-- while it runs; the model row is still written in the caller's transaction, at the end.
--
-- One row per training that ML_TRAIN started and that did not fail: it reserves the version before
-- the first epoch (so that two trainings of one name never share one), and says how the training ended.
-- STATUS:
--   running    the training is under way (a row left 'running' by a database that stopped mid-way is
--              set to 'abandoned' by the next training of the same name);
--   unsaved    the training ended and handed its model row to the caller's transaction, which has not
--              committed it: it is about to, or it rolled back (then the log stays without a model);
--   saved      the model row was committed with this status, in the caller's transaction;
--   abandoned  the training never ended: the database or its JVM stopped while it ran.
-- A training that fails or is cancelled deletes its row and its log rows, so its version is free again.
-- TRAINING_LOG rows of a version without a MODELS row belong to a run that is not 'saved'.
CREATE TABLE SQLNN.TRAINING_RUNS (
    NAME       VARCHAR(128) NOT NULL,
    VERSION    BIGINT NOT NULL,
    STATUS     VARCHAR(16) NOT NULL,
    STARTED_AT TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    ENDED_AT   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT TRAINING_RUNS_PK PRIMARY KEY (NAME, VERSION),
    CONSTRAINT TRAINING_RUNS_STATUS CHECK (STATUS IN ('running', 'unsaved', 'saved', 'abandoned'))
);

-- The versions saved before this migration were trained and saved in one transaction.
INSERT INTO SQLNN.TRAINING_RUNS (NAME, VERSION, STATUS, STARTED_AT, ENDED_AT)
SELECT NAME, VERSION, 'saved', CREATED_AT, CREATED_AT FROM SQLNN.MODELS;

-- The analyst's table functions: aliases to public static methods of dev.sqlnn.sql.TableFunctions.
-- They live in PUBLIC so that they can be called unqualified; overloads differ in argument count.
-- No result column is named VALUE or ROW: both are reserved words in H2.
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_PREDICT FOR 'dev.sqlnn.sql.TableFunctions.predict';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_EVALUATE FOR 'dev.sqlnn.sql.TableFunctions.evaluate';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_CONFUSION_MATRIX FOR 'dev.sqlnn.sql.TableFunctions.confusionMatrix';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_ROC_CURVE FOR 'dev.sqlnn.sql.TableFunctions.rocCurve';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_WEIGHTS FOR 'dev.sqlnn.sql.TableFunctions.weights';

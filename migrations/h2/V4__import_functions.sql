-- Imports from files on the database server: aliases to dev.sqlnn.sql.ImportFunctions. Only an admin may
-- call them (like H2's CSVREAD); an existing table is replaced only when the last argument is TRUE.
--   ML_IMPORT_IDX(table, images_path, labels_path [, replace]) -> INTEGER rows; labels_path may be NULL
--   ML_IMPORT_CSV(table, csv_path [, replace])                 -> INTEGER rows; columns typed by content
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_IMPORT_IDX FOR 'dev.sqlnn.sql.ImportFunctions.importIdx';
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_IMPORT_CSV FOR 'dev.sqlnn.sql.ImportFunctions.importCsv';

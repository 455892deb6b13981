-- ONNX export: an alias to dev.sqlnn.sql.ExportFunctions.
--   ML_EXPORT(model [, version]) -> VARBINARY: the deployed version (or that one; NULL: the deployed one)
--   as an ONNX file whose graph takes the raw features and includes the stored preprocessing.
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_EXPORT FOR 'dev.sqlnn.sql.ExportFunctions.export';

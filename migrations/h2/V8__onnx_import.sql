-- ONNX import: ML_IMPORT_ONNX(model, onnx VARBINARY or BLOB) -> BIGINT, the new version of model; it is
-- deployed when model has no deployed version. What is accepted: dev.sqlnn.model.onnx.OnnxImporter.
CREATE ALIAS IF NOT EXISTS PUBLIC.ML_IMPORT_ONNX FOR 'dev.sqlnn.sql.OnnxImportFunctions.importOnnx';

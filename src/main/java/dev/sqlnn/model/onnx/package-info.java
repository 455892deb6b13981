/**
 * ONNX, the model format other runtimes read: {@link dev.sqlnn.model.onnx.OnnxExporter} writes a
 * {@link dev.sqlnn.model.Model}, preprocessing included, as an ONNX graph through the protobuf classes
 * generated from ONNX's {@code onnx.proto} ({@code dev.sqlnn.model.onnx.proto.Onnx}). Part of the
 * model layer: it reads the model's network and encoding, and knows nothing of SQL or storage.
 */
package dev.sqlnn.model.onnx;

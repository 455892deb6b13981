/**
 * ONNX, the model format other runtimes read, in and out of sqlnn's model:
 * {@link dev.sqlnn.model.onnx.OnnxExporter} writes a {@link dev.sqlnn.model.Model}, preprocessing
 * included, as an ONNX graph; {@link dev.sqlnn.model.onnx.OnnxImporter} reads an ONNX multilayer
 * perceptron (Gemm or MatMul+Add layers, Relu, Tanh, Sigmoid, Softmax, and the input's Cast, Flatten,
 * Reshape and constant scaling) into a model that scores with sqlnn's kernels. Both go through the
 * protobuf classes generated at build time from {@code src/main/protobuf/onnx/onnx.proto} into
 * {@code dev.sqlnn.model.onnx.proto}. Part of the model layer: knows nothing of storage or SQL.
 */
package dev.sqlnn.model.onnx;

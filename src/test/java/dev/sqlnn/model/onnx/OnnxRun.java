package dev.sqlnn.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported model loaded by ONNX Runtime, the reference the tests hold sqlnn's graphs to: feeds it
 * columns of rows and returns its outputs as Java arrays.
 */
public final class OnnxRun implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final Map<String, Object> inputs = new LinkedHashMap<>();

    public OnnxRun(byte[] model) throws OrtException {
        this.session = environment.createSession(model, new OrtSession.SessionOptions());
    }

    /** The model's inputs and outputs as {@code name: type [shape]}, in the graph's order, e.g. {@code image: UINT8 [-1, 784]}. */
    public List<String> signature() throws OrtException {
        List<String> described = new ArrayList<>();
        describe(session.getInputInfo(), described);
        describe(session.getOutputInfo(), described);
        return described;
    }

    private static void describe(Map<String, NodeInfo> nodes, List<String> out) {
        nodes.forEach((name, node) -> {
            TensorInfo t = (TensorInfo) node.getInfo();
            out.add(name + ": " + t.type + " " + java.util.Arrays.toString(t.getShape()));
        });
    }

    /** The inputs' names, in the graph's order: the model's feature columns as it stores them. */
    public List<String> inputNames() throws OrtException {
        return List.copyOf(session.getInputNames());
    }

    public Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    /** Rows of unsigned bytes, as {@code uint8 [N, width]}. */
    public OnnxRun bytes(String name, List<byte[]> rows) {
        inputs.put(name, rows);
        return this;
    }

    /** Rows of numbers, as {@code float [N, width]}; a column of one number per row is {@code float [N, 1]}. */
    public OnnxRun floats(String name, float[][] rows) {
        inputs.put(name, rows);
        return this;
    }

    /** One text per row, as {@code string [N, 1]}. */
    public OnnxRun strings(String name, String[] rows) {
        inputs.put(name, rows);
        return this;
    }

    /** Runs the model on the inputs given; returns each output as ONNX Runtime's Java value (e.g. {@code float[][]}). */
    public Map<String, Object> run() throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) tensors.put(e.getKey(), tensor(e.getValue()));
            Map<String, Object> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (var e : result) outputs.put(e.getKey(), e.getValue().getValue());
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
            inputs.clear();
        }
    }

    @SuppressWarnings("unchecked")
    private OnnxTensor tensor(Object value) throws OrtException {
        if (value instanceof String[] texts) return OnnxTensor.createTensor(environment, texts, new long[] {texts.length, 1});
        if (value instanceof float[][] rows) {
            int width = rows.length == 0 ? 0 : rows[0].length;
            FloatBuffer buffer = FloatBuffer.allocate(rows.length * width);
            for (float[] row : rows) buffer.put(row);
            return OnnxTensor.createTensor(environment, buffer.flip(), new long[] {rows.length, width});
        }
        List<byte[]> rows = (List<byte[]>) value;
        int width = rows.isEmpty() ? 0 : rows.get(0).length;
        ByteBuffer buffer = ByteBuffer.allocate(rows.size() * width);
        for (byte[] row : rows) buffer.put(row);
        return OnnxTensor.createTensor(environment, buffer.flip(), new long[] {rows.size(), width}, OnnxJavaType.UINT8);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

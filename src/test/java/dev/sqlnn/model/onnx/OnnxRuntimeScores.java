package dev.sqlnn.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/** What ONNX Runtime computes for a graph: the reference that sqlnn's imported model must agree with. */
public final class OnnxRuntimeScores {

    private OnnxRuntimeScores() {
    }

    /** The output for rows of floats, each reshaped to {@code [dims...]} (default: {@code [width]}). */
    public static float[][] ofFloats(byte[] onnx, float[][] rows, long... dims) throws OrtException {
        int width = rows[0].length;
        FloatBuffer data = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (float[] row : rows) data.put(row);
        data.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape(rows.length, width, dims))) {
            return run(env, onnx, tensor);
        }
    }

    /** The output for rows of unsigned bytes (a UINT8 input), each reshaped to {@code [dims...]}. */
    public static float[][] ofBytes(byte[] onnx, byte[][] rows, long... dims) throws OrtException {
        int width = rows[0].length;
        ByteBuffer data = ByteBuffer.allocateDirect(rows.length * width);
        for (byte[] row : rows) data.put(row);
        data.flip();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape(rows.length, width, dims), OnnxJavaType.UINT8)) {
            return run(env, onnx, tensor);
        }
    }

    private static long[] shape(int rows, int width, long[] dims) {
        if (dims.length == 0) return new long[] {rows, width};
        long[] shape = new long[dims.length + 1];
        shape[0] = rows;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        return shape;
    }

    private static float[][] run(OrtEnvironment env, byte[] onnx, OnnxTensor input) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, options);
                 OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
                return (float[][]) result.get(0).getValue();
            }
        }
    }
}

package dev.sqlnn.model.onnx;

import dev.sqlnn.model.onnx.proto.Onnx.AttributeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Reads the numbers of an ONNX {@link TensorProto} (an initializer or a {@code Constant}), trusting
 * nothing: the shape's element count must be what the tensor holds, in {@code float_data} or
 * {@code raw_data} (little-endian, as ONNX specifies), before anything is copied. A tensor whose data
 * lives in another file is refused: sqlnn reads one file.
 */
final class OnnxTensors {

    /** A tensor's float values and its shape. */
    record Floats(long[] dims, float[] values) {
        int count() {
            return values.length;
        }

        String shape() {
            return OnnxTensors.shape(dims);
        }
    }

    private OnnxTensors() {
    }

    /** The values of a FLOAT tensor. */
    static Floats floats(TensorProto t, String what) {
        long[] dims = dims(t, what);
        int count = count(dims, what);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedOperationException(what + " keeps its data in an external file; sqlnn imports one "
                    + "file: save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new UnsupportedOperationException(what + " is a tensor of " + typeName(t.getDataType())
                    + "; sqlnn's weights and constants are FLOAT (32-bit)");
        }
        float[] values;
        if (t.hasRawData()) {
            int bytes = t.getRawData().size();
            if (t.getFloatDataCount() > 0 || bytes != (long) count * Float.BYTES) {
                throw malformed(what, dims, count, bytes / Float.BYTES + t.getFloatDataCount());
            }
            values = new float[count];
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().get(values);
        } else {
            if (t.getFloatDataCount() != count) throw malformed(what, dims, count, t.getFloatDataCount());
            values = new float[count];
            for (int i = 0; i < count; i++) values[i] = t.getFloatData(i);
        }
        return new Floats(dims, values);
    }

    /** The values of an INT64 tensor (a {@code Reshape}'s shape). */
    static long[] longs(TensorProto t, String what) {
        long[] dims = dims(t, what);
        int count = count(dims, what);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedOperationException(what + " keeps its data in an external file; sqlnn imports one file");
        }
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
            throw new IllegalArgumentException(what + " is a tensor of " + typeName(t.getDataType()) + "; ONNX says INT64");
        }
        if (t.hasRawData()) {
            int bytes = t.getRawData().size();
            if (t.getInt64DataCount() > 0 || bytes != (long) count * Long.BYTES) {
                throw malformed(what, dims, count, bytes / Long.BYTES + t.getInt64DataCount());
            }
            long[] values = new long[count];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
            return values;
        }
        if (t.getInt64DataCount() != count) throw malformed(what, dims, count, t.getInt64DataCount());
        long[] values = new long[count];
        for (int i = 0; i < count; i++) values[i] = t.getInt64Data(i);
        return values;
    }

    /**
     * The values of a FLOAT or DOUBLE tensor as doubles: a regression's output tail, which the
     * exporter writes in DOUBLE so that the label's units keep their precision.
     */
    static double[] doubles(TensorProto t, String what) {
        if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            float[] floats = floats(t, what).values();
            double[] values = new double[floats.length];
            for (int i = 0; i < floats.length; i++) values[i] = floats[i];
            return values;
        }
        long[] dims = dims(t, what);
        int count = count(dims, what);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedOperationException(what + " keeps its data in an external file; sqlnn imports one file");
        }
        if (t.getDataType() != TensorProto.DataType.DOUBLE_VALUE) {
            throw new UnsupportedOperationException(what + " is a tensor of " + typeName(t.getDataType())
                    + "; sqlnn reads FLOAT or DOUBLE constants here");
        }
        if (t.hasRawData()) {
            int bytes = t.getRawData().size();
            if (t.getDoubleDataCount() > 0 || bytes != (long) count * Double.BYTES) {
                throw malformed(what, dims, count, bytes / Double.BYTES + t.getDoubleDataCount());
            }
            double[] values = new double[count];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
            return values;
        }
        if (t.getDoubleDataCount() != count) throw malformed(what, dims, count, t.getDoubleDataCount());
        double[] values = new double[count];
        for (int i = 0; i < count; i++) values[i] = t.getDoubleData(i);
        return values;
    }

    /**
     * A one-dimensional INT64 or STRING tensor of class labels (what a classifier's label branch
     * gathers from), as text: integers in decimal, strings as UTF-8.
     */
    static List<String> labels(TensorProto t, String what) {
        long[] dims = dims(t, what);
        if (dims.length != 1) {
            throw new IllegalArgumentException(what + " has shape " + shape(dims) + "; class labels are a 1-D tensor");
        }
        if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
            return java.util.Arrays.stream(longs(t, what)).mapToObj(Long::toString).toList();
        }
        if (t.getDataType() != TensorProto.DataType.STRING_VALUE) {
            throw new UnsupportedOperationException(what + " is a tensor of " + typeName(t.getDataType())
                    + "; sqlnn reads class labels of INT64 or STRING");
        }
        int count = count(dims, what);
        if (t.getStringDataCount() != count) throw malformed(what, dims, count, t.getStringDataCount());
        return t.getStringDataList().stream().map(b -> b.toStringUtf8()).toList();
    }

    /** The tensor of a {@code Constant} node's value attribute, in any of its spellings that hold numbers. */
    static TensorProto constant(AttributeProto a, String what) {
        return switch (a.getName()) {
            case "value" -> a.getT();
            case "value_float" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addFloatData(a.getF()).build();
            case "value_floats" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
            case "value_int" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                    .addInt64Data(a.getI()).build();
            case "value_ints" -> TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
            default -> throw new UnsupportedOperationException(what + " has a value of kind " + a.getName()
                    + "; sqlnn reads constants of numbers (value, value_float(s), value_int(s))");
        };
    }

    private static long[] dims(TensorProto t, String what) {
        List<Long> list = t.getDimsList();
        long[] dims = new long[list.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = list.get(i);
            if (dims[i] < 0) {
                throw new IllegalArgumentException(what + " has dimension " + dims[i] + " in its shape "
                        + list + "; a tensor's dimensions are 0 or more");
            }
        }
        return dims;
    }

    /** The element count of a shape, which must fit a Java array. */
    private static int count(long[] dims, String what) {
        long count = 1;
        for (long d : dims) {
            if (d != 0 && count > Integer.MAX_VALUE / d) {
                throw new IllegalArgumentException(what + " declares shape " + shape(dims) + ", more than "
                        + Integer.MAX_VALUE + " elements");
            }
            count *= d;
        }
        return (int) count;
    }

    private static IllegalArgumentException malformed(String what, long[] dims, int expected, long found) {
        return new IllegalArgumentException(what + " declares shape " + shape(dims) + " (" + expected
                + " values) but holds " + found + "; the file is damaged or was cut short");
    }

    static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }

    static String typeName(int dataType) {
        TensorProto.DataType type = TensorProto.DataType.forNumber(dataType);
        return type == null ? "unknown type " + dataType : type.name();
    }
}

package dev.sqlnn.model.onnx;

import com.google.protobuf.ByteString;
import dev.sqlnn.model.onnx.proto.Onnx.AttributeProto;
import dev.sqlnn.model.onnx.proto.Onnx.GraphProto;
import dev.sqlnn.model.onnx.proto.Onnx.NodeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorShapeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TypeProto;
import dev.sqlnn.model.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Building blocks of an ONNX graph written through the generated protobuf classes: constant tensors,
 * node attributes, typed inputs and outputs, and a graph builder that names intermediate values
 * uniquely. Nothing here knows sqlnn's models; {@link OnnxExporter} assembles them.
 */
final class OnnxGraphs {

    /** The name of the batch dimension in inputs' and outputs' shapes: any number of rows. */
    static final String ROWS = "N";

    private OnnxGraphs() {
    }

    // ---------------------------------------------------------------- tensors

    /**
     * A float tensor; its values go in {@code raw_data}, little-endian as the ONNX format says, which
     * runtimes read without a copy per element (a wide network has millions).
     */
    static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(bytes)).build();
    }

    static TensorProto doubleTensor(String name, double[] values, long... dims) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.DOUBLE, dims);
        for (double v : values) t.addDoubleData(v);
        return t.build();
    }

    static TensorProto longTensor(String name, long[] values, long... dims) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64, dims);
        for (long v : values) t.addInt64Data(v);
        return t.build();
    }

    static TensorProto stringTensor(String name, List<String> values, long... dims) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.STRING, dims);
        for (String v : values) t.addStringData(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        return t.build();
    }

    private static TensorProto.Builder tensor(String name, TensorProto.DataType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) t.addDims(d);
        return t;
    }

    // ---------------------------------------------------------------- attributes

    static AttributeProto attribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto stringsAttribute(String name, List<String> values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        return a.build();
    }

    static AttributeProto longsAttribute(String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a.build();
    }

    // ---------------------------------------------------------------- inputs and outputs

    /**
     * A graph input or output: a tensor of {@code type} whose shape is {@code dims}, where a null
     * dimension is the batch of {@link #ROWS} rows.
     */
    static ValueInfoProto value(String name, TensorProto.DataType type, Long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Long d : dims) {
            shape.addDim(d == null ? TensorShapeProto.Dimension.newBuilder().setDimParam(ROWS)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    // ---------------------------------------------------------------- the graph

    /**
     * A graph under construction: nodes in the order added (which must be topological), constants as
     * initializers, and intermediate values named {@code prefix_k} so that no two collide with each
     * other or with the graph's inputs and outputs.
     */
    static final class Builder {

        private final GraphProto.Builder graph = GraphProto.newBuilder();
        private final Set<String> names = new HashSet<>();
        private int next;

        Builder(String name) {
            graph.setName(name);
        }

        /** Reserves a name chosen by the caller (an input's or output's); refuses one already taken. */
        String reserve(String name) {
            if (!names.add(name)) throw new IllegalArgumentException("the ONNX graph already has a value named " + name);
            return name;
        }

        /** A fresh name for an intermediate value or constant. */
        String fresh(String prefix) {
            String name;
            do {
                name = prefix + "_" + next++;
            } while (!names.add(name));
            return name;
        }

        void input(ValueInfoProto input) {
            graph.addInput(input);
        }

        void output(ValueInfoProto output) {
            graph.addOutput(output);
        }

        /** Adds {@code tensor} as a constant under a fresh name made from its own; returns that name. */
        String constant(TensorProto tensor) {
            String name = fresh(tensor.getName());
            graph.addInitializer(tensor.toBuilder().setName(name));
            return name;
        }

        /** Adds a node of the default domain whose one output gets a fresh name; returns that name. */
        String node(String op, List<String> inputs, AttributeProto... attributes) {
            return nodeInto(fresh(op.toLowerCase(java.util.Locale.ROOT)), "", op, inputs, attributes);
        }

        /** Adds a node of {@code domain} ("" for the default) that writes {@code output}; returns it. */
        String nodeInto(String output, String domain, String op, List<String> inputs, AttributeProto... attributes) {
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setDomain(domain).setName(output)
                    .addAllInput(inputs).addOutput(output);
            for (AttributeProto a : attributes) node.addAttribute(a);
            graph.addNode(node);
            return output;
        }

        void docString(String text) {
            graph.setDocString(text);
        }

        GraphProto build() {
            return graph.build();
        }
    }
}

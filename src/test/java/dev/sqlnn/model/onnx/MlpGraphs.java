package dev.sqlnn.model.onnx;

import com.google.protobuf.ByteString;
import dev.sqlnn.model.onnx.proto.Onnx.AttributeProto;
import dev.sqlnn.model.onnx.proto.Onnx.GraphProto;
import dev.sqlnn.model.onnx.proto.Onnx.ModelProto;
import dev.sqlnn.model.onnx.proto.Onnx.NodeProto;
import dev.sqlnn.model.onnx.proto.Onnx.OperatorSetIdProto;
import dev.sqlnn.model.onnx.proto.Onnx.StringStringEntryProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorShapeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TypeProto;
import dev.sqlnn.model.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * ONNX graphs built in tests with ONNX's own protobuf classes, not by sqlnn: a chain of operators
 * from one input to one output, with random weights (He-scaled normals, so that activations neither
 * vanish nor saturate). Each call appends a node that takes the previous node's output; weights go
 * into initializers, alternately as {@code raw_data} and {@code float_data}, both of which ONNX allows.
 *
 * <pre>
 * byte[] onnx = MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(3, false).softmax().bytes();
 * </pre>
 */
public final class MlpGraphs {

    public static final int OPSET = 17;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test_mlp");
    private final ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8)
            .setProducerName("sqlnn-tests").setProducerVersion("1");
    private final Random random;
    private String current;
    private int width;
    private int nodes;
    private boolean rawData = true;
    private long opset = OPSET;

    private MlpGraphs(String input, int elementType, long seed, long... dims) {
        this.random = new Random(seed);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        int features = 1;
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            features *= (int) d;
        }
        graph.addInput(ValueInfoProto.newBuilder().setName(input).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))));
        this.current = input;
        this.width = features;
    }

    /** A FLOAT input of shape {@code [batch, features]}. */
    public static MlpGraphs floatInput(String name, int features) {
        return new MlpGraphs(name, TensorProto.DataType.FLOAT_VALUE, 42, features);
    }

    /** A FLOAT input of shape {@code [batch, dims...]}, weights from {@code seed}. */
    public static MlpGraphs floatInput(String name, long seed, long... dims) {
        return new MlpGraphs(name, TensorProto.DataType.FLOAT_VALUE, seed, dims);
    }

    /** A UINT8 input of shape {@code [batch, dims...]}, e.g. {@code 1, 28, 28}. */
    public static MlpGraphs byteInput(String name, long seed, long... dims) {
        return new MlpGraphs(name, TensorProto.DataType.UINT8_VALUE, seed, dims);
    }

    /**
     * A 784-128-10 MLP as PyTorch exports one: UINT8 {@code image [batch, 1, 28, 28]}, Flatten, Cast,
     * Div by 255, Gemm (transB), Relu, Gemm (transB), Softmax.
     */
    public static byte[] mnistMlp(long seed) {
        return byteInput("image", seed, 1, 28, 28).flatten().castToFloat().scalar("Div", 255f)
                .gemm(128, true).relu().gemm(10, true).softmax().bytes();
    }

    public MlpGraphs opset(long version) {
        this.opset = version;
        return this;
    }

    public MlpGraphs metadata(String key, String value) {
        model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        return this;
    }

    public int width() {
        return width;
    }

    // ---------------------------------------------------------------- layers

    /** {@code Gemm(x, B, C)}, B stored {@code [outputs, inputs]} when {@code transB} (as PyTorch writes it). */
    public MlpGraphs gemm(int outputs, boolean transB) {
        return gemm(outputs, transB, 1f, 1f);
    }

    public MlpGraphs gemm(int outputs, boolean transB, float alpha, float beta) {
        String w = initializer(transB ? new long[] {outputs, width} : new long[] {width, outputs}, weights(width, outputs));
        String b = initializer(new long[] {outputs}, biases(outputs));
        NodeProto.Builder node = node("Gemm", current, w, b);
        if (transB) node.addAttribute(intAttribute("transB", 1));
        if (alpha != 1f) node.addAttribute(floatAttribute("alpha", alpha));
        if (beta != 1f) node.addAttribute(floatAttribute("beta", beta));
        width = outputs;
        return add(node);
    }

    /** {@code MatMul(x, W)} then {@code Add(., b)}, b of shape {@code [1, outputs]}: what Keras exports. */
    public MlpGraphs matMulAdd(int outputs) {
        matMul(outputs);
        return add(node("Add", current, initializer(new long[] {1, width}, biases(width))));
    }

    public MlpGraphs matMul(int outputs) {
        String w = initializer(new long[] {width, outputs}, weights(width, outputs));
        width = outputs;
        return add(node("MatMul", current, w));
    }

    public MlpGraphs relu() {
        return add(node("Relu", current));
    }

    public MlpGraphs tanh() {
        return add(node("Tanh", current));
    }

    public MlpGraphs sigmoid() {
        return add(node("Sigmoid", current));
    }

    public MlpGraphs leakyRelu() {
        return leakyRelu(0.01f);
    }

    public MlpGraphs leakyRelu(float alpha) {
        return add(node("LeakyRelu", current).addAttribute(floatAttribute("alpha", alpha)));
    }

    /** An activation without attributes, or with ONNX's defaults left out: Elu, Selu, Softplus. */
    public MlpGraphs activation(String operator) {
        return add(node(operator, current));
    }

    public MlpGraphs softmax() {
        return add(node("Softmax", current));
    }

    public MlpGraphs softmax(long axis) {
        return add(node("Softmax", current).addAttribute(intAttribute("axis", axis)));
    }

    // ---------------------------------------------------------------- the input

    public MlpGraphs castToFloat() {
        return cast(TensorProto.DataType.FLOAT_VALUE);
    }

    /** {@code Cast} to a {@link TensorProto.DataType} number. */
    public MlpGraphs cast(int to) {
        return add(node("Cast", current).addAttribute(intAttribute("to", to)));
    }

    public MlpGraphs flatten() {
        return add(node("Flatten", current).addAttribute(intAttribute("axis", 1)));
    }

    public MlpGraphs reshape(long... shape) {
        String s = "t" + graph.getInitializerCount();
        graph.addInitializer(TensorProto.newBuilder().setName(s).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(shape.length).addAllInt64Data(java.util.Arrays.stream(shape).boxed().toList()));
        return add(node("Reshape", current, s));
    }

    /** {@code op(x, c)}: Add, Sub, Mul or Div by a scalar constant from a {@code Constant} node. */
    public MlpGraphs scalar(String op, float c) {
        String name = "c" + nodes;
        graph.addNode(NodeProto.newBuilder().setOpType("Constant").setName("const" + nodes++).addOutput(name)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(c))));
        return add(node(op, current, name));
    }

    /** {@code op(x, c)} with one constant per unit of the current width, shape {@code [width]}. */
    public MlpGraphs perUnit(String op, float[] c) {
        return add(node(op, current, initializer(new long[] {c.length}, c)));
    }

    // ---------------------------------------------------------------- anything else

    /** A node of any operator on the current tensor, e.g. {@code Conv} with a weight, to be refused. */
    public MlpGraphs operator(String op, String name, String... constantInputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addInput(current);
        for (String c : constantInputs) node.addInput(c);
        node.addOutput(name + "_out");
        graph.addNode(node);
        current = name + "_out";
        nodes++;
        return this;
    }

    /** An initializer of random floats, named {@code name}. */
    public MlpGraphs initializer(String name, long... dims) {
        int count = 1;
        for (long d : dims) count *= (int) d;
        graph.addInitializer(floats(name, dims, weights(count, 1)));
        return this;
    }

    /** The model, its output named {@code y}; the builder's graph may still be changed by {@link #proto()}. */
    public byte[] bytes() {
        return proto().toByteArray();
    }

    public ModelProto proto() {
        GraphProto.Builder g = graph.clone();
        g.addOutput(ValueInfoProto.newBuilder().setName(current).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return model.clone().setGraph(g).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .build();
    }

    // ---------------------------------------------------------------- helpers

    private NodeProto.Builder node(String op, String... inputs) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + nodes);
        for (String input : inputs) node.addInput(input);
        return node;
    }

    private MlpGraphs add(NodeProto.Builder node) {
        String output = "h" + nodes++;
        graph.addNode(node.addOutput(output));
        current = output;
        return this;
    }

    private String initializer(long[] dims, float[] values) {
        String name = "w" + graph.getInitializerCount();
        graph.addInitializer(floats(name, dims, values));
        return name;
    }

    private TensorProto floats(String name, long[] dims, float[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) t.addDims(d);
        if (rawData) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            t.setRawData(ByteString.copyFrom(raw.array()));
        } else {
            for (float v : values) t.addFloatData(v);
        }
        rawData = !rawData;
        return t.build();
    }

    private float[] weights(int inputs, int outputs) {
        float[] w = new float[inputs * outputs];
        double sd = Math.sqrt(2.0 / inputs);
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * sd);
        return w;
    }

    private float[] biases(int n) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) b[i] = (float) (random.nextGaussian() * 0.1);
        return b;
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}

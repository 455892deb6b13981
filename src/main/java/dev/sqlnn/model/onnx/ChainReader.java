package dev.sqlnn.model.onnx;

import dev.sqlnn.model.Model;
import dev.sqlnn.model.onnx.proto.Onnx.AttributeProto;
import dev.sqlnn.model.onnx.proto.Onnx.GraphProto;
import dev.sqlnn.model.onnx.proto.Onnx.NodeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto;
import dev.sqlnn.model.onnx.proto.Onnx.ValueInfoProto;
import dev.sqlnn.nn.Activation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks an ONNX graph's nodes in their order (ONNX requires a topological one) as one chain from the
 * input to the output, collecting the preprocessing and the layers that {@link OnnxImporter}
 * documents. Each operator's data input must be the previous one's output; its other inputs must be
 * constants. One reader reads one graph.
 */
final class ChainReader {

    /** A dense layer: {@code weights} input-major ({@code inputs × outputs}), as sqlnn's network keeps them. */
    record Layer(String node, int inputs, int outputs, float[] weights, float[] biases, Activation activation) {
        Layer activated(Activation a) {
            return new Layer(node, inputs, outputs, weights, biases, a);
        }
    }

    /** Where the chain is: before the first layer, after a layer's product, after its activation, after Softmax. */
    private enum Phase { INPUT, PRODUCT, ACTIVATED, SOFTMAX }

    private final GraphProto graph;
    private final long opset;
    private final Map<String, TensorProto> constants;
    /** Tensors computed so far: the input and every node's outputs. */
    private final Set<String> computed = new HashSet<>();
    private final List<Layer> layers = new ArrayList<>();
    private OnnxImporter.Input input;
    private Phase phase = Phase.INPUT;
    private String current;
    /** The current tensor's rank, or -1 when the graph does not say. */
    private int rank;
    /** Whether the current tensor is still the UINT8 input, not yet cast. */
    private boolean bytes;
    /** The current tensor's width: the features before the first layer, then the last layer's outputs. */
    private int width;
    /** The preprocessing so far, {@code scale[i] * x + offset[i]}; null while it is the identity. */
    private double[] scale;
    private double[] offset;
    private int index;
    private NodeProto node;

    /** The file's size, which bounds every real width: a layer over {@code n} features holds at least {@code 4n} bytes. */
    private final int fileBytes;

    ChainReader(GraphProto graph, long opset, int fileBytes) {
        this.graph = graph;
        this.opset = opset;
        this.fileBytes = fileBytes;
        this.constants = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) constants.put(t.getName(), t);
    }

    void read() {
        ValueInfoProto in = onlyInput();
        input = OnnxImporter.Input.of(in);
        current = in.getName();
        computed.add(current);
        rank = input.rank();
        bytes = input.bytes();
        width = input.features() > 0 ? input.features() : firstWeightRows();
        if (width > fileBytes / Float.BYTES) {
            throw new IllegalArgumentException("the graph's input '" + input.name() + "' has " + width + " features, "
                    + "but the file's " + fileBytes + " bytes cannot hold a layer over so many");
        }
        for (index = 0; index < graph.getNodeCount(); index++) {
            node = graph.getNode(index);
            step();
        }
        if (layers.isEmpty()) {
            throw new UnsupportedOperationException("the graph has no Gemm or MatMul: no layer for sqlnn's network; "
                    + OnnxImporter.ACCEPTED);
        }
        if (phase == Phase.PRODUCT) activate(Activation.IDENTITY);
        String output = onlyOutput();
        if (!output.equals(current)) {
            throw new UnsupportedOperationException("the graph's output '" + output + "' is not the end of its chain "
                    + "of operators ('" + current + "'); sqlnn imports a chain from the input to the output");
        }
    }

    boolean isClassifier() {
        return phase == Phase.SOFTMAX;
    }

    int outputWidth() {
        return width;
    }

    Model model(List<String> classes) {
        if (!isClassifier() && width != 1) {
            throw new UnsupportedOperationException("the graph has " + width + " outputs and no Softmax; sqlnn imports "
                    + "classifiers that end in Softmax and regressions of one output");
        }
        return OnnxImporter.model(input, layers.get(0).inputs(), scale, offset, layers, classes, isClassifier());
    }

    private ValueInfoProto onlyInput() {
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!constants.containsKey(v.getName())) inputs.add(v); // before IR 4, initializers were listed as inputs
        }
        if (inputs.size() != 1) {
            String names = inputs.stream().map(ValueInfoProto::getName).toList().toString();
            if (inputs.isEmpty()) throw new IllegalArgumentException("the graph has no input besides its initializers");
            throw new UnsupportedOperationException("the graph has " + inputs.size() + " inputs " + names
                    + "; sqlnn imports graphs of one input tensor, the features");
        }
        return inputs.get(0);
    }

    private String onlyOutput() {
        if (graph.getOutputCount() != 1) {
            String names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList().toString();
            if (graph.getOutputCount() == 0) throw new IllegalArgumentException("the graph declares no output");
            throw new UnsupportedOperationException("the graph has " + graph.getOutputCount() + " outputs " + names
                    + "; sqlnn imports graphs of one output, the probabilities or the value");
        }
        return graph.getOutput(0).getName();
    }

    /** The first layer's input width, for an input whose shape does not give it. */
    private int firstWeightRows() {
        for (NodeProto n : graph.getNodeList()) {
            if (!n.getOpType().equals("Gemm") && !n.getOpType().equals("MatMul")) continue;
            if (n.getInputCount() < 2 || !constants.containsKey(n.getInput(1))) break;
            List<Long> dims = constants.get(n.getInput(1)).getDimsList();
            if (dims.size() != 2) break;
            long rows = n.getOpType().equals("Gemm") && longAttribute(n, "transB", 0) != 0 ? dims.get(1) : dims.get(0);
            if (rows > 0 && rows <= Integer.MAX_VALUE) return (int) rows;
            break;
        }
        throw new IllegalArgumentException("the graph's input '" + input.name() + "' has no known feature count and "
                + "its first layer has no constant 2-D weight to take it from");
    }

    // ---------------------------------------------------------------- one operator

    private void step() {
        String op = node.getOpType();
        if (op.equals("Constant")) {
            constant();
            return;
        }
        if (op.equals("Identity") && node.getInputCount() == 1 && constants.containsKey(node.getInput(0))) {
            constants.put(output(), constants.get(node.getInput(0)));
            return;
        }
        requireChained();
        switch (op) {
            case "Identity" -> advance();
            case "Cast" -> cast();
            case "Flatten" -> flatten();
            case "Reshape" -> reshape();
            case "Add", "Sub", "Mul", "Div" -> elementwise(op);
            case "Gemm" -> gemm();
            case "MatMul" -> matMul();
            case "Relu" -> activation(Activation.RELU);
            case "Tanh" -> activation(Activation.TANH);
            case "Sigmoid" -> activation(Activation.SIGMOID);
            case "Softmax" -> softmax();
            default -> throw new AssertionError("refused before the walk: " + op);
        }
    }

    private String describe() {
        return node.getOpType() + " (" + OnnxImporter.nodeName(node, index) + ")";
    }

    /** Checks that of the node's inputs, exactly one is computed: the current tensor; the others are constants. */
    private void requireChained() {
        List<String> data = new ArrayList<>();
        for (String name : node.getInputList()) {
            if (name.isEmpty() || constants.containsKey(name)) continue;
            if (!computed.contains(name)) {
                throw new IllegalArgumentException("input '" + name + "' of " + describe() + " is neither the graph's "
                        + "input, an initializer nor the output of an earlier node (a missing initializer?)");
            }
            data.add(name);
        }
        if (data.size() != 1 || !data.get(0).equals(current)) {
            throw new UnsupportedOperationException(describe() + " takes " + (data.isEmpty() ? "only constants"
                    : data.size() == 1 ? "'" + data.get(0) + "'" : "several computed tensors " + data) + ", not the "
                    + "output of the operator before it ('" + current + "'); sqlnn imports a chain of operators, each "
                    + "taking the one before");
        }
    }

    private String output() {
        if (node.getOutputCount() < 1 || node.getOutput(0).isEmpty()) {
            throw new IllegalArgumentException(describe() + " has no output");
        }
        for (int i = 1; i < node.getOutputCount(); i++) {
            if (!node.getOutput(i).isEmpty()) {
                throw new UnsupportedOperationException(describe() + " has " + node.getOutputCount() + " outputs; "
                        + "sqlnn imports operators of one output");
            }
        }
        return node.getOutput(0);
    }

    /** The node's output becomes the current tensor. */
    private void advance() {
        current = output();
        if (!computed.add(current) || constants.containsKey(current)) {
            throw new IllegalArgumentException(describe() + " writes '" + current + "', which an earlier node or an "
                    + "initializer wrote already; ONNX graphs assign each tensor once");
        }
    }

    private void constant() {
        if (node.getAttributeCount() != 1) {
            throw new IllegalArgumentException(describe() + " has " + node.getAttributeCount() + " attributes; ONNX's "
                    + "Constant has exactly one, its value");
        }
        String name = output();
        if (computed.contains(name) || constants.containsKey(name)) {
            throw new IllegalArgumentException(describe() + " writes '" + name + "', which is written already");
        }
        constants.put(name, OnnxTensors.constant(node.getAttribute(0), describe()));
    }

    private void cast() {
        long to = longAttribute(node, "to", -1);
        if (to == -1) throw new IllegalArgumentException(describe() + " has no attribute 'to'; ONNX's Cast needs one");
        if (to != TensorProto.DataType.FLOAT_VALUE) {
            throw new UnsupportedOperationException(describe() + " casts to " + OnnxTensors.typeName((int) to)
                    + "; sqlnn computes in FLOAT and imports casts to FLOAT only");
        }
        bytes = false;
        advance();
    }

    private void flatten() {
        long axis = longAttribute(node, "axis", 1);
        if (axis != 1 && !(rank > 0 && axis + rank == 1)) {
            throw new UnsupportedOperationException(describe() + " flattens at axis " + axis + "; sqlnn imports "
                    + "Flatten at axis 1, which keeps the batch and flattens each row's features");
        }
        rank = 2;
        advance();
    }

    private void reshape() {
        if (node.getInputCount() < 2 || !constants.containsKey(node.getInput(1))) {
            throw new UnsupportedOperationException(describe() + " takes a computed shape; sqlnn imports Reshape "
                    + "to a constant shape [-1, features]");
        }
        long[] shape = OnnxTensors.longs(constants.get(node.getInput(1)), "the shape of " + describe());
        boolean batchKept = shape.length == 2 && (shape[0] == -1 || shape[0] == 0);
        boolean rowKept = shape.length == 2 && (shape[1] == width || (shape[1] == -1 && shape[0] == 0));
        if (!batchKept || !rowKept) {
            throw new UnsupportedOperationException(describe() + " reshapes to " + OnnxTensors.shape(shape)
                    + "; sqlnn imports Reshape to [-1, " + width + "] (or [0, -1]): a batch of rows of features");
        }
        rank = 2;
        advance();
    }

    // ---------------------------------------------------------------- constants combined with the chain

    private void elementwise(String op) {
        if (bytes) throw new IllegalArgumentException(describe() + " computes on the UINT8 input; ONNX needs a Cast to FLOAT first");
        String constantName = null;
        for (String name : node.getInputList()) {
            if (!name.isEmpty() && constants.containsKey(name)) constantName = name;
        }
        if (node.getInputCount() != 2 || constantName == null) {
            throw new IllegalArgumentException(describe() + " needs two inputs, one of them a constant; it has "
                    + node.getInputList());
        }
        boolean constantFirst = node.getInput(0).equals(constantName);
        if (constantFirst && op.equals("Div")) {
            throw new UnsupportedOperationException(describe() + " divides a constant by the features; sqlnn imports "
                    + "Div of the features by a constant");
        }
        switch (phase) {
            case INPUT -> {
                preprocess(op, constantFirst, broadcast(constantName));
            }
            case PRODUCT -> {
                fold(op, constantFirst, broadcast(constantName));
            }
            case ACTIVATED, SOFTMAX -> throw new UnsupportedOperationException(describe() + " follows "
                    + OnnxImporter.operatorName(layers.get(layers.size() - 1).activation()) + "; sqlnn imports Add, Sub, Mul "
                    + "and Div of constants on the input (its preprocessing) and between a layer's Gemm or MatMul and "
                    + "its activation");
        }
        advance();
    }

    /** The constant as one value per unit of the current width, from one value or one per unit. */
    private float[] broadcast(String name) {
        OnnxTensors.Floats c = OnnxTensors.floats(constants.get(name), "constant '" + name + "' of " + describe());
        if (rank > 0 && c.dims().length > rank) {
            throw new IllegalArgumentException("constant '" + name + "' of " + describe() + " has shape " + c.shape()
                    + ", of more dimensions than the tensor it combines with (" + rank + ")");
        }
        float[] values = new float[width];
        if (c.count() == 1) {
            Arrays.fill(values, c.values()[0]);
        } else if (c.count() == width && leadingOnes(c.dims())) {
            System.arraycopy(c.values(), 0, values, 0, width);
        } else {
            throw new IllegalArgumentException("constant '" + name + "' of " + describe() + " has shape " + c.shape()
                    + " (" + c.count() + " values); sqlnn needs 1 or one per unit (" + width + ") to combine with a "
                    + "batch of rows of " + width);
        }
        return values;
    }

    /** Whether the dims are 1s apart from the trailing ones that hold a row's values. */
    private boolean leadingOnes(long[] dims) {
        long product = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (product == width && dims[i] != 1) return false;
            product *= dims[i];
        }
        return true;
    }

    /** Composes {@code x op c} (or {@code c op x}) with the preprocessing so far, in double. */
    private void preprocess(String op, boolean constantFirst, float[] c) {
        if (scale == null) {
            scale = new double[width];
            offset = new double[width];
            Arrays.fill(scale, 1.0);
        }
        for (int i = 0; i < width; i++) {
            switch (op) {
                case "Add" -> offset[i] += c[i];
                case "Sub" -> {
                    if (constantFirst) {
                        scale[i] = -scale[i];
                        offset[i] = c[i] - offset[i];
                    } else {
                        offset[i] -= c[i];
                    }
                }
                case "Mul" -> {
                    scale[i] *= c[i];
                    offset[i] *= c[i];
                }
                case "Div" -> {
                    requireNonZero(c[i], i);
                    scale[i] /= c[i];
                    offset[i] /= c[i];
                }
                default -> throw new AssertionError(op);
            }
        }
    }

    /** Folds {@code z op c} into the last layer's weights (one column per output) and bias. */
    private void fold(String op, boolean constantFirst, float[] c) {
        Layer layer = layers.get(layers.size() - 1);
        float[] w = layer.weights();
        float[] b = layer.biases();
        int outputs = layer.outputs();
        for (int j = 0; j < outputs; j++) {
            switch (op) {
                case "Add" -> b[j] += c[j];
                case "Sub" -> b[j] = constantFirst ? c[j] - b[j] : b[j] - c[j];
                case "Mul", "Div" -> {
                    if (op.equals("Div")) requireNonZero(c[j], j);
                    float f = op.equals("Mul") ? c[j] : 1f / c[j];
                    b[j] *= f;
                    for (int i = 0; i < layer.inputs(); i++) w[i * outputs + j] *= f;
                }
                default -> throw new AssertionError(op);
            }
            if (op.equals("Sub") && constantFirst) {
                for (int i = 0; i < layer.inputs(); i++) w[i * outputs + j] = -w[i * outputs + j];
            }
        }
    }

    private void requireNonZero(float c, int unit) {
        if (c == 0f) {
            throw new IllegalArgumentException(describe() + " divides unit " + (unit + 1) + " by 0");
        }
    }

    // ---------------------------------------------------------------- layers

    private void gemm() {
        if (longAttribute(node, "transA", 0) != 0) {
            throw new UnsupportedOperationException(describe() + " transposes its input (transA 1); sqlnn imports "
                    + "Gemm of a batch of rows (transA 0)");
        }
        boolean transB = longAttribute(node, "transB", 0) != 0;
        float alpha = floatAttribute("alpha", 1f);
        float beta = floatAttribute("beta", 1f);
        if (node.getInputCount() < 2 || !node.getInput(0).equals(current)) {
            throw new UnsupportedOperationException(describe() + " multiplies something other than the chain's "
                    + "tensor ('" + current + "') by its weight; sqlnn imports Gemm(features, weight, bias)");
        }
        OnnxTensors.Floats b = weight(node.getInput(1));
        int inputs = (int) (transB ? b.dims()[1] : b.dims()[0]);
        int outputs = (int) (transB ? b.dims()[0] : b.dims()[1]);
        checkChains(inputs);
        float[] w = new float[inputs * outputs];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < outputs; j++) {
                w[i * outputs + j] = alpha * (transB ? b.values()[j * inputs + i] : b.values()[i * outputs + j]);
            }
        }
        float[] bias = new float[outputs];
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            String name = node.getInput(2);
            if (!constants.containsKey(name)) {
                throw new UnsupportedOperationException(describe() + " adds a computed tensor '" + name + "' as its "
                        + "bias; sqlnn imports a constant bias");
            }
            width = outputs; // the bias broadcasts over the layer's outputs
            float[] c = broadcast(name);
            for (int j = 0; j < outputs; j++) bias[j] = beta * c[j];
        }
        addLayer(inputs, outputs, w, bias);
    }

    private void matMul() {
        if (node.getInputCount() != 2 || !node.getInput(0).equals(current)) {
            throw new UnsupportedOperationException(describe() + " multiplies a constant by the features; sqlnn "
                    + "imports MatMul(features, weight)");
        }
        OnnxTensors.Floats b = weight(node.getInput(1));
        int inputs = (int) b.dims()[0];
        int outputs = (int) b.dims()[1];
        checkChains(inputs);
        addLayer(inputs, outputs, b.values(), new float[outputs]);
    }

    private OnnxTensors.Floats weight(String name) {
        if (bytes) throw new IllegalArgumentException(describe() + " multiplies the UINT8 input; ONNX needs a Cast to FLOAT first");
        if (phase == Phase.SOFTMAX) {
            throw new UnsupportedOperationException(describe() + " follows Softmax; sqlnn imports Softmax as the "
                    + "last operator only");
        }
        OnnxTensors.Floats w = OnnxTensors.floats(constants.get(name), "weight '" + name + "' of " + describe());
        if (w.dims().length != 2 || w.count() == 0) {
            throw new IllegalArgumentException("weight '" + name + "' of " + describe() + " has shape " + w.shape()
                    + "; a layer's weight is a non-empty matrix");
        }
        return w;
    }

    private void checkChains(int inputs) {
        if (rank > 2) {
            throw new UnsupportedOperationException(describe() + " takes a tensor of rank " + rank + "; sqlnn imports "
                    + "layers of rows of features: Flatten or Reshape the input first");
        }
        if (inputs != width) {
            String from = layers.isEmpty() ? "the graph's input has " + width + " features"
                    : "the layer before it has " + width + " outputs";
            throw new IllegalArgumentException("shapes do not chain: " + describe() + " takes " + inputs
                    + " inputs but " + from);
        }
    }

    private void addLayer(int inputs, int outputs, float[] w, float[] bias) {
        if (phase == Phase.PRODUCT) activate(Activation.IDENTITY); // two products in a row: no activation between
        layers.add(new Layer(describe(), inputs, outputs, w, bias, null));
        width = outputs;
        rank = 2;
        phase = Phase.PRODUCT;
        advance();
    }

    private void activation(Activation a) {
        if (phase != Phase.PRODUCT) {
            String where = phase == Phase.INPUT ? "the input, before any layer" : "another activation";
            throw new UnsupportedOperationException(describe() + " follows " + where + "; sqlnn imports one "
                    + "activation after each layer's Gemm or MatMul");
        }
        activate(a);
        phase = Phase.ACTIVATED;
        advance();
    }

    private void softmax() {
        long axis = longAttribute(node, "axis", opset < 13 ? 1 : -1);
        if (axis != 1 && axis != -1) {
            throw new UnsupportedOperationException(describe() + " normalises over axis " + axis + "; sqlnn imports "
                    + "Softmax over each row's outputs (axis 1 or -1)");
        }
        activation(Activation.SOFTMAX);
        phase = Phase.SOFTMAX;
    }

    private void activate(Activation a) {
        int last = layers.size() - 1;
        layers.set(last, layers.get(last).activated(a));
    }

    // ---------------------------------------------------------------- attributes

    private static long longAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) return a.getI();
        }
        return fallback;
    }

    private float floatAttribute(String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                if (!Float.isFinite(a.getF())) {
                    throw new IllegalArgumentException(describe() + " has " + name + " " + a.getF() + "; expected a finite number");
                }
                return a.getF();
            }
        }
        return fallback;
    }
}

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
 * input to the output, collecting the preprocessing, the layers and the output tail that
 * {@link OnnxImporter} documents. Each operator's data input must be the previous one's output; its
 * other inputs must be constants. The one exception is a classifier's label branch, ArgMax of the
 * probabilities then Gather of the class labels, as sqlnn's own exports end: it gives the classes and
 * is not scored. One reader reads one graph.
 */
final class ChainReader {

    /** A dense layer: {@code weights} input-major ({@code inputs × outputs}), as sqlnn's network keeps them. */
    record Layer(String node, int inputs, int outputs, float[] weights, float[] biases, Activation activation) {
        Layer activated(Activation a) {
            return new Layer(node, inputs, outputs, weights, biases, a);
        }
    }

    /**
     * Where the chain is: before the first layer, after a layer's product, after its activation, after
     * Softmax, or in a regression's output tail (after its Cast to DOUBLE or its reshape to one value per row).
     */
    private enum Phase { INPUT, PRODUCT, ACTIVATED, SOFTMAX, VALUE }

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
    /** A regression's value is {@code output * targetScale + targetShift}, composed in double from its output tail. */
    private double targetScale = 1;
    private double targetShift;
    /** The label branch: the ArgMax's output, the Gather's, and the labels gathered (null while there is none). */
    private String labelIndex;
    private String labelOutput;
    private List<String> labels;
    private boolean integerLabels;
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
        if (labelIndex != null && labelOutput == null) {
            throw new UnsupportedOperationException("the graph's ArgMax ('" + labelIndex + "') feeds no Gather of the "
                    + "class labels; sqlnn imports a label branch of ArgMax then Gather only");
        }
        checkOutputs();
    }

    boolean isClassifier() {
        return phase == Phase.SOFTMAX;
    }

    int outputWidth() {
        return width;
    }

    /** The labels the label branch gathers, one per output, or null when the graph has no label branch. */
    List<String> labels() {
        return labels;
    }

    /** Whether the label branch's labels are INT64 (else STRING). */
    boolean integerLabels() {
        return integerLabels;
    }

    Model model(OnnxImporter.Classes classes) {
        if (!isClassifier() && width != 1) {
            throw new UnsupportedOperationException("the graph has " + width + " outputs and no Softmax; sqlnn imports "
                    + "classifiers that end in Softmax and regressions of one output");
        }
        return OnnxImporter.model(input, layers.get(0).inputs(), scale, offset, layers, classes, isClassifier(),
                targetShift, targetScale);
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

    /** The outputs are the end of the chain and, at most, the label branch's labels. */
    private void checkOutputs() {
        List<String> names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        if (names.isEmpty()) throw new IllegalArgumentException("the graph declares no output");
        boolean known = names.size() <= 2 && names.contains(current) && new HashSet<>(names).size() == names.size()
                && names.stream().allMatch(n -> n.equals(current) || n.equals(labelOutput));
        if (known) return;
        if (names.size() == 1) {
            throw new UnsupportedOperationException("the graph's output '" + names.get(0) + "' is not the end of its "
                    + "chain of operators ('" + current + "'); sqlnn imports a chain from the input to the output");
        }
        throw new UnsupportedOperationException("the graph has " + names.size() + " outputs " + names + "; sqlnn "
                + "imports graphs of one output, the probabilities or the value ('" + current + "' here), plus at most "
                + "a classifier's label (ArgMax of the probabilities, then Gather of the class labels)");
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
        if (op.equals("Gather")) {
            gather();
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
            case "LeakyRelu" -> activation(Activation.LEAKY_RELU, "alpha", 0.01f);
            case "Elu" -> activation(Activation.ELU, "alpha", 1f);
            case "Selu" -> activation(Activation.SELU, "alpha", 1.67326319217681884765625f, "gamma",
                    1.05070102214813232421875f);
            case "Softplus" -> activation(Activation.SOFTPLUS);
            case "Softmax" -> softmax();
            case "ArgMax" -> argMax();
            case "Squeeze" -> squeeze();
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
        current = assign();
    }

    /** The node's output, which no earlier node or initializer may have written. */
    private String assign() {
        String name = output();
        if (!computed.add(name) || constants.containsKey(name)) {
            throw new IllegalArgumentException(describe() + " writes '" + name + "', which an earlier node or an "
                    + "initializer wrote already; ONNX graphs assign each tensor once");
        }
        return name;
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
        if (to == TensorProto.DataType.DOUBLE_VALUE && phase != Phase.INPUT && phase != Phase.SOFTMAX) {
            enterValue(); // sqlnn's regressions compute their value in double too
            advance();
            return;
        }
        if (to != TensorProto.DataType.FLOAT_VALUE || phase == Phase.VALUE) {
            throw new UnsupportedOperationException(describe() + " casts to " + OnnxTensors.typeName((int) to)
                    + (phase == Phase.VALUE ? " in a regression's output tail" : "") + "; sqlnn computes in FLOAT and "
                    + "imports casts to FLOAT, and to DOUBLE after a regression's last layer");
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
        if (shape.length == 1 && shape[0] == -1 && phase != Phase.INPUT && phase != Phase.SOFTMAX) {
            enterValue(); // [N, 1] to [N]: a regression's one value per row
            rank = 1;
            advance();
            return;
        }
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
        if (phase == Phase.VALUE) {
            target(op);
            advance();
            return;
        }
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
            case ACTIVATED, SOFTMAX, VALUE -> throw new UnsupportedOperationException(describe() + " follows "
                    + OnnxImporter.operatorName(layers.get(layers.size() - 1).activation()) + "; sqlnn imports Add, Sub, Mul "
                    + "and Div of constants on the input (its preprocessing) and between a layer's Gemm or MatMul and "
                    + "its activation");
        }
        advance();
    }

    /** Composes a regression's {@code value op c} (or {@code c op value}) with its target scaling, in double. */
    private void target(String op) {
        String name = node.getInputCount() == 2 && constants.containsKey(node.getInput(0)) ? node.getInput(0)
                : node.getInputCount() == 2 && constants.containsKey(node.getInput(1)) ? node.getInput(1) : null;
        if (name == null) {
            throw new IllegalArgumentException(describe() + " needs two inputs, one of them a constant; it has "
                    + node.getInputList());
        }
        boolean constantFirst = node.getInput(0).equals(name);
        double[] c = OnnxTensors.doubles(constants.get(name), "constant '" + name + "' of " + describe());
        if (c.length != 1) {
            throw new UnsupportedOperationException("constant '" + name + "' of " + describe() + " has " + c.length
                    + " values; a regression's output tail combines its value with one");
        }
        switch (op) {
            case "Add" -> targetShift += c[0];
            case "Sub" -> {
                if (constantFirst) {
                    targetScale = -targetScale;
                    targetShift = c[0] - targetShift;
                } else {
                    targetShift -= c[0];
                }
            }
            case "Mul" -> {
                targetScale *= c[0];
                targetShift *= c[0];
            }
            case "Div" -> {
                if (constantFirst) {
                    throw new UnsupportedOperationException(describe() + " divides a constant by the value; sqlnn "
                            + "imports Div of the value by a constant");
                }
                if (c[0] == 0) throw new IllegalArgumentException(describe() + " divides the value by 0");
                targetScale /= c[0];
                targetShift /= c[0];
            }
            default -> throw new AssertionError(op);
        }
        if (targetScale == 0 || !Double.isFinite(targetScale) || !Double.isFinite(targetShift)) {
            throw new IllegalArgumentException(describe() + " makes the value " + targetScale + " * output + "
                    + targetShift + "; sqlnn needs a finite, non-zero factor");
        }
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
        if (phase == Phase.SOFTMAX || phase == Phase.VALUE) {
            throw new UnsupportedOperationException(describe() + " follows " + (phase == Phase.SOFTMAX ? "Softmax"
                    : "the regression's output tail") + "; sqlnn imports Softmax, or a regression's tail (Cast to "
                    + "DOUBLE, Reshape to [-1], Squeeze), after the last layer only");
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
            String where = phase == Phase.INPUT ? "the input, before any layer"
                    : phase == Phase.VALUE ? "the regression's output tail" : "another activation";
            throw new UnsupportedOperationException(describe() + " follows " + where + "; sqlnn imports one "
                    + "activation after each layer's Gemm or MatMul");
        }
        activate(a);
        phase = Phase.ACTIVATED;
        advance();
    }

    /**
     * An activation whose attributes must be ONNX's defaults, which are sqlnn's constants (leaky ReLU's
     * slope 0.01, ELU's alpha 1, SELU's alpha and gamma as floats): sqlnn's network keeps no parameters
     * for its activations. {@code defaults} alternates an attribute's name and its default.
     */
    private void activation(Activation a, Object... defaults) {
        for (int i = 0; i < defaults.length; i += 2) {
            String name = (String) defaults[i];
            float expected = (Float) defaults[i + 1];
            float given = floatAttribute(name, expected);
            if (given != expected) {
                throw new UnsupportedOperationException(describe() + " has " + name + " " + given + "; sqlnn's "
                        + a.optionName() + " has " + name + " " + expected + " (ONNX's default), and keeps no other");
            }
        }
        activation(a);
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

    /**
     * Enters a regression's output tail: the last layer must have one output; its activation is
     * whatever it had (none, if only its product came before).
     */
    private void enterValue() {
        if (width != 1) {
            throw new UnsupportedOperationException(describe() + " follows a layer of " + width + " outputs; sqlnn "
                    + "imports a Cast to DOUBLE or a reshape to one value per row after a regression's one output only");
        }
        if (phase == Phase.PRODUCT) activate(Activation.IDENTITY);
        phase = Phase.VALUE;
    }

    /** {@code Squeeze} of the axis of a regression's one output: [N, 1] to [N]. */
    private void squeeze() {
        long[] axes = null;
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            axes = OnnxTensors.longs(constants.get(node.getInput(1)), "the axes of " + describe());
        } else {
            for (AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals("axes")) axes = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        boolean outputAxis = axes == null || (axes.length == 1 && (axes[0] == 1 || axes[0] == -1));
        if (!outputAxis || phase == Phase.INPUT || phase == Phase.SOFTMAX) {
            throw new UnsupportedOperationException(describe() + " squeezes " + (axes == null ? "every axis of 1"
                    : "axes " + OnnxTensors.shape(axes)) + (phase == Phase.INPUT || phase == Phase.SOFTMAX
                    ? " before the last layer or after Softmax" : "") + "; sqlnn imports Squeeze of axis 1 after a "
                    + "regression's last layer only, which leaves one value per row");
        }
        enterValue();
        rank = 1;
        advance();
    }

    // ---------------------------------------------------------------- a classifier's label branch

    /** {@code ArgMax} of the probabilities: the label branch's first half, which names no new current tensor. */
    private void argMax() {
        if (phase != Phase.SOFTMAX || labelIndex != null) {
            throw new UnsupportedOperationException(describe() + (labelIndex != null ? " is a second label branch"
                    : " takes a tensor that is not a Softmax's output") + "; sqlnn imports one ArgMax, of a "
                    + "classifier's probabilities, as the branch that names its classes");
        }
        long axis = longAttribute(node, "axis", 0);
        long keepdims = longAttribute(node, "keepdims", 1);
        long last = longAttribute(node, "select_last_index", 0);
        if ((axis != 1 && axis != -1) || keepdims != 0 || last != 0) {
            throw new UnsupportedOperationException(describe() + " has axis " + axis + ", keepdims " + keepdims
                    + ", select_last_index " + last + "; sqlnn imports the label branch's ArgMax over each row "
                    + "(axis 1 or -1, keepdims 0, select_last_index 0: the first of equal probabilities, as sqlnn picks)");
        }
        labelIndex = assign();
    }

    /** {@code Gather} of constant class labels by the ArgMax: the label branch's second half, which gives the classes. */
    private void gather() {
        boolean branch = labelIndex != null && labelOutput == null && node.getInputCount() == 2
                && constants.containsKey(node.getInput(0)) && node.getInput(1).equals(labelIndex);
        if (!branch) {
            throw new UnsupportedOperationException(describe() + " is not the Gather of constant class labels by the "
                    + "ArgMax of a classifier's probabilities; sqlnn imports Gather in that label branch only");
        }
        if (longAttribute(node, "axis", 0) != 0) {
            throw new UnsupportedOperationException(describe() + " gathers along axis " + longAttribute(node, "axis", 0)
                    + "; sqlnn imports the label branch's Gather along axis 0, one label per class");
        }
        TensorProto t = constants.get(node.getInput(0));
        List<String> gathered = OnnxTensors.labels(t, "the class labels of " + describe());
        if (gathered.size() != width) {
            throw new IllegalArgumentException(describe() + " gathers from " + gathered.size() + " class labels but the "
                    + "Softmax has " + width + " outputs");
        }
        if (new HashSet<>(gathered).size() != gathered.size()) {
            throw new IllegalArgumentException(describe() + " gathers from class labels that name a class twice: "
                    + OnnxImporter.abbreviate(gathered.toString()));
        }
        labels = gathered;
        integerLabels = t.getDataType() == TensorProto.DataType.INT64_VALUE;
        labelOutput = assign();
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

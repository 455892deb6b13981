package dev.sqlnn.model.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.model.ImportedModels;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.onnx.proto.Onnx.GraphProto;
import dev.sqlnn.model.onnx.proto.Onnx.ModelProto;
import dev.sqlnn.model.onnx.proto.Onnx.NodeProto;
import dev.sqlnn.model.onnx.proto.Onnx.OperatorSetIdProto;
import dev.sqlnn.model.onnx.proto.Onnx.StringStringEntryProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorShapeProto;
import dev.sqlnn.model.onnx.proto.Onnx.TypeProto;
import dev.sqlnn.model.onnx.proto.Onnx.ValueInfoProto;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an ONNX file that holds a multilayer perceptron into a sqlnn {@link Model}, which then scores
 * with sqlnn's own kernels. What is accepted, and what it becomes:
 *
 * <ul>
 * <li>One input tensor, FLOAT or UINT8, of shape {@code [batch, ...]}; its non-batch dimensions give the
 *     feature count (the first layer's weight gives it when they are not known). A FLOAT input becomes
 *     numeric features (a REAL or DOUBLE PRECISION ARRAY); a UINT8 input, which the graph must
 *     {@code Cast} to FLOAT, becomes byte features (a VARBINARY).
 * <li>Before the first layer: {@code Flatten} (axis 1), {@code Reshape} to {@code [-1 or 0, features]},
 *     {@code Cast} to FLOAT, and {@code Sub}, {@code Div}, {@code Mul}, {@code Add} of constants (one or
 *     one per feature): they become the model's preprocessing {@code (x - shift) * factor}; dividing a
 *     UINT8 input by 255 is exactly sqlnn's byte scaling.
 * <li>Layers: {@code Gemm} (transA 0, transB either, alpha and beta folded into the weights and the
 *     bias) or {@code MatMul} by a constant, each followed by any {@code Add}, {@code Sub}, {@code Mul} or
 *     {@code Div} of constants (folded into its weights and bias), then at most one of {@code Relu},
 *     {@code Tanh}, {@code Sigmoid}, {@code LeakyRelu}, {@code Elu}, {@code Selu}, {@code Softplus}
 *     (their attributes ONNX's defaults, which are sqlnn's constants), or {@code Softmax} on the last
 *     layer. Every hidden layer must have the same activation (or none), as sqlnn's networks do.
 * <li>A classifier's label branch, as {@link OnnxExporter} writes it: {@code ArgMax} of the Softmax's
 *     output (axis 1 or -1, keepdims 0, select_last_index 0), then {@code Gather} (axis 0) of a constant
 *     1-D tensor of INT64 or STRING labels, one per output, by that ArgMax. It is not scored: it names
 *     the classes, INT64 labels as INTEGER classes and STRING labels as text (even when they are digits).
 * <li>A regression's output tail, after its last layer of one output: {@code Cast} to DOUBLE,
 *     {@code Reshape} to {@code [-1]} or {@code Squeeze} of axis 1 (one value per row), then {@code Mul},
 *     {@code Add}, {@code Sub}, {@code Div} of one FLOAT or DOUBLE constant each: composed in double into
 *     the model's target scaling {@code value = output * targetScale + targetShift}, as a trained
 *     regression's de-standardisation is, with nothing lost to float.
 * <li>The task: a graph that ends in {@code Softmax} is a classifier whose classes are the labels of
 *     the metadata property {@value #CLASSES_PROPERTY} (a JSON array, one per output; text unless all
 *     are integers), else its label branch's, else 0 to k-1; when both the property and a label branch
 *     name them they must agree. One that does not end in Softmax and has one output is a regression;
 *     several outputs without a Softmax are refused.
 * </ul>
 *
 * <p>{@code Identity} and {@code Constant} are accepted anywhere. The graph must be a chain: each
 * operator takes the previous one's output and constants; its outputs are the chain's end and, at
 * most, the label branch's. Any other operator, or a graph that is not such a chain, is refused with an
 * {@link UnsupportedOperationException} naming the first operator that does not fit; a file that is
 * not ONNX or that contradicts itself (missing initializers, shapes that do not chain, data cut
 * short) with an {@link IllegalArgumentException}. Nothing else escapes. So sqlnn imports its own
 * exports of models of one ARRAY or VARBINARY column; its exports of plain columns (one input per
 * column, IsNaN and Where for NULLs, LabelEncoder and Equal for categories, Concat) are refused up
 * front, pointing at {@code bin/sqlnn models copy}, which moves a model between databases exactly.
 */
public final class OnnxImporter {

    /** The metadata property whose JSON array names a classifier's classes, one per output. */
    public static final String CLASSES_PROPERTY = "classes";

    static final String ACCEPTED = "sqlnn imports MLPs: Gemm, MatMul+Add, Relu, Tanh, Sigmoid, LeakyRelu, Elu, Selu, "
            + "Softplus (with ONNX's default attributes), Softmax (output), "
            + "and Flatten, Reshape, Cast, Sub, Div, Mul, Add of the input (plus Identity, Constant; ArgMax+Gather "
            + "of a classifier's labels; Cast, Reshape, Squeeze, Mul, Add of a regression's value)";
    private static final Set<String> OPERATORS = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Tanh",
            "Sigmoid", "LeakyRelu", "Elu", "Selu", "Softplus", "Softmax", "Flatten", "Reshape", "Cast", "Identity",
            "Constant", "ArgMax", "Gather", "Squeeze");
    /** The operators that only sqlnn's exports of plain columns write: NULLs imputed, categories one-hot, columns joined. */
    private static final Set<String> PLAIN_COLUMN_OPERATORS = Set.of("IsNaN", "Where", "LabelEncoder", "Equal", "Concat");
    static final String PLAIN_COLUMNS = "ML_IMPORT_ONNX takes a model of one ARRAY or VARBINARY column and does "
            + "not rebuild a model of plain columns (their imputed NULLs and one-hot categories): to move a sqlnn model "
            + "to another database, copy it exactly with 'bin/sqlnn models copy --from <url> --to <url> --model <name>' "
            + "(Sqlnn.copyModel from Java)";
    /** Gemm's and the element-wise operators' broadcasting as sqlnn reads them date from opset 7. */
    private static final long FIRST_OPSET = 7;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The imported model and where it came from.
     *
     * @param sourceJson a JSON object naming the format, the producer, the opset and the graph: what
     *                   {@code SQLNN.MODELS.OPTIONS} holds for an imported version
     */
    public record Imported(Model model, String sourceJson) {
    }

    private OnnxImporter() {
    }

    /**
     * Reads an ONNX file's bytes.
     *
     * @throws UnsupportedOperationException naming the first operator or feature sqlnn cannot import
     * @throws IllegalArgumentException      when the bytes are not an ONNX model, or one that contradicts itself
     */
    public static Imported read(byte[] file) {
        if (file == null || file.length == 0) {
            throw new IllegalArgumentException("the ONNX file is empty; pass the bytes of a .onnx file");
        }
        ModelProto proto = parse(file);
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw new IllegalArgumentException("not an ONNX model: the " + file.length + " bytes hold no graph of "
                    + "operators (is this a .onnx file?)");
        }
        long opset = opset(proto);
        GraphProto graph = proto.getGraph();
        refusePlainColumnExports(proto);
        refuseUnknownOperators(graph);
        ChainReader chain = new ChainReader(graph, opset, file.length);
        chain.read();
        Classes classes = chain.isClassifier() ? classes(proto, chain) : new Classes(List.of(), null);
        Model model = chain.model(classes);
        return new Imported(model, sourceJson(proto, opset));
    }

    private static ModelProto parse(byte[] file) {
        try {
            return ModelProto.parseFrom(file);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: its " + file.length + " bytes do not parse as "
                    + "ONNX's protobuf (" + e.getMessage() + "); is the file whole?", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an ONNX model: its " + file.length + " bytes do not parse as "
                    + "ONNX's protobuf (" + e + ")", e);
        }
    }

    /** The version of the default operator set, which fixes the operators' semantics. */
    private static long opset(ModelProto proto) {
        for (OperatorSetIdProto set : proto.getOpsetImportList()) {
            if (set.getDomain().isEmpty() || set.getDomain().equals("ai.onnx")) {
                if (set.getVersion() < FIRST_OPSET) {
                    throw new UnsupportedOperationException("the model uses ONNX opset " + set.getVersion()
                            + "; sqlnn imports opset " + FIRST_OPSET + " and later (convert it with onnx.version_converter)");
                }
                return set.getVersion();
            }
        }
        throw new IllegalArgumentException("the ONNX model imports no version of the default operator set (opset_import "
                + "names no domain \"\"); ONNX requires one");
    }

    /**
     * Refuses sqlnn's own export of a model of plain columns before its first foreign operator (IsNaN)
     * would: such a model is better copied whole than rebuilt from its graph.
     */
    private static void refusePlainColumnExports(ModelProto proto) {
        if (!proto.getProducerName().equals("sqlnn")) return;
        GraphProto graph = proto.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<String> inputs = graph.getInputList().stream().map(ValueInfoProto::getName)
                .filter(n -> !initializers.contains(n)).toList();
        boolean plainColumns = inputs.size() != 1
                || graph.getNodeList().stream().anyMatch(n -> PLAIN_COLUMN_OPERATORS.contains(n.getOpType()));
        if (plainColumns) {
            throw new UnsupportedOperationException("the file is sqlnn's export of a model of plain columns " + inputs
                    + "; " + PLAIN_COLUMNS);
        }
    }

    /** Refuses the first operator outside the accepted set, in the graph's order. */
    private static void refuseUnknownOperators(GraphProto graph) {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            boolean defaultDomain = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            if (defaultDomain && OPERATORS.contains(node.getOpType())) continue;
            String operator = defaultDomain ? node.getOpType() : node.getDomain() + "." + node.getOpType();
            throw new UnsupportedOperationException("operator " + operator + " (" + nodeName(node, i) + ") is not"
                    + " supported; " + ACCEPTED);
        }
    }

    static String nodeName(NodeProto node, int index) {
        return node.getName().isEmpty() ? "node " + index : "node '" + node.getName() + "'";
    }

    /** A classifier's labels, and their kind when the graph says it (its label branch's type), else null. */
    record Classes(List<String> labels, LabelKind kind) {
    }

    /**
     * The classes: the metadata's labels when it has them, which must then be the label branch's if
     * there is one too; else the label branch's; else 0 to k-1. A label branch also fixes the labels'
     * kind: INT64 labels are INTEGER, STRING labels text.
     */
    private static Classes classes(ModelProto proto, ChainReader chain) {
        List<String> gathered = chain.labels();
        LabelKind kind = gathered == null ? null : chain.integerLabels() ? LabelKind.INTEGER : LabelKind.TEXT;
        List<String> named = metadataClasses(proto, chain.outputWidth());
        if (named != null && gathered != null && !named.equals(gathered)) {
            throw new IllegalArgumentException("the model's metadata property '" + CLASSES_PROPERTY + "' names the classes "
                    + abbreviate(named.toString()) + " but its label branch gathers " + abbreviate(gathered.toString())
                    + "; they must agree");
        }
        if (named != null) return new Classes(named, kind);
        if (gathered != null) return new Classes(gathered, kind);
        List<String> classes = new ArrayList<>(chain.outputWidth());
        for (int i = 0; i < chain.outputWidth(); i++) classes.add(Integer.toString(i));
        return new Classes(classes, null);
    }

    /** The labels of the metadata property {@value #CLASSES_PROPERTY}, or null when there is none. */
    private static List<String> metadataClasses(ModelProto proto, int outputs) {
        for (StringStringEntryProto entry : proto.getMetadataPropsList()) {
            if (!entry.getKey().equals(CLASSES_PROPERTY)) continue;
            List<String> classes = new ArrayList<>();
            try {
                JsonNode array = JSON.readTree(entry.getValue());
                if (array == null || !array.isArray()) throw new IllegalArgumentException("not an array");
                for (JsonNode label : array) {
                    if (!label.isValueNode() || label.isNull()) throw new IllegalArgumentException("not a label: " + label);
                    classes.add(label.asText());
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new IllegalArgumentException("the model's metadata property '" + CLASSES_PROPERTY + "' must be a "
                        + "JSON array of labels, e.g. [\"cat\", \"dog\"]; got " + abbreviate(entry.getValue()), e);
            }
            if (classes.size() != outputs) {
                throw new IllegalArgumentException("the model's metadata names " + classes.size() + " classes but its "
                        + "Softmax has " + outputs + " outputs");
            }
            if (new HashSet<>(classes).size() != classes.size()) {
                throw new IllegalArgumentException("the model's metadata names a class twice: " + abbreviate(entry.getValue()));
            }
            return classes;
        }
        return null;
    }

    private static String sourceJson(ModelProto proto, long opset) {
        ObjectNode source = JSON.createObjectNode();
        source.put("imported_from", "onnx");
        if (!proto.getProducerName().isEmpty()) source.put("producer", proto.getProducerName());
        if (!proto.getProducerVersion().isEmpty()) source.put("producer_version", proto.getProducerVersion());
        source.put("opset", opset);
        if (!proto.getGraph().getName().isEmpty()) source.put("graph", proto.getGraph().getName());
        return source.toString();
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 60) + "…'";
    }

    // ---------------------------------------------------------------- the input's type

    /** What the graph's input says: whether it is bytes, its rank (or -1) and its feature count (or -1). */
    record Input(String name, boolean bytes, int rank, int features) {

        static Input of(ValueInfoProto input) {
            TypeProto type = input.getType();
            if (!type.hasTensorType()) {
                throw new UnsupportedOperationException("the graph's input '" + input.getName() + "' is not a tensor; "
                        + "sqlnn imports graphs of one FLOAT or UINT8 tensor");
            }
            int elementType = type.getTensorType().getElemType();
            boolean bytes = elementType == TensorProto.DataType.UINT8_VALUE;
            if (!bytes && elementType != TensorProto.DataType.FLOAT_VALUE) {
                throw new UnsupportedOperationException("the graph's input '" + input.getName() + "' is a tensor of "
                        + OnnxTensors.typeName(elementType) + "; sqlnn imports FLOAT inputs (numbers, an ARRAY) and "
                        + "UINT8 inputs (bytes, a VARBINARY)");
            }
            if (!type.getTensorType().hasShape()) return new Input(input.getName(), bytes, -1, -1);
            TensorShapeProto shape = type.getTensorType().getShape();
            int rank = shape.getDimCount();
            if (rank < 2) {
                throw new UnsupportedOperationException("the graph's input '" + input.getName() + "' has rank " + rank
                        + "; sqlnn imports inputs of shape [batch, features] (or [batch, ...] that the graph flattens)");
            }
            long features = 1;
            for (int i = 1; i < rank && features > 0; i++) {
                TensorShapeProto.Dimension d = shape.getDim(i);
                if (!d.hasDimValue() || d.getDimValue() <= 0) {
                    features = -1; // unknown: the first layer's weight tells
                } else {
                    features *= d.getDimValue();
                    if (features > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException("the graph's input '" + input.getName()
                                + "' has more than " + Integer.MAX_VALUE + " features");
                    }
                }
            }
            return new Input(input.getName(), bytes, rank, (int) features);
        }
    }

    /** The parts the chain reader collected, made into sqlnn's network and model. */
    static Model model(Input input, int features, double[] scale, double[] offset, List<ChainReader.Layer> layers,
                       Classes classes, boolean classifier, double targetShift, double targetScale) {
        int[] sizes = new int[layers.size() + 1];
        sizes[0] = features;
        float[][] weights = new float[layers.size()][];
        float[][] biases = new float[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            ChainReader.Layer layer = layers.get(l);
            sizes[l + 1] = layer.outputs();
            weights[l] = layer.weights();
            biases[l] = layer.biases();
        }
        Activation hidden = Activation.RELU; // a network of one layer has no hidden layer: any will do
        for (int l = 0; l + 1 < layers.size(); l++) {
            Activation a = layers.get(l).activation();
            if (l > 0 && a != hidden) {
                throw new UnsupportedOperationException("layer " + (l + 1) + " (" + layers.get(l).node() + ") is followed by "
                        + operatorName(a) + " but layer 1 by " + operatorName(hidden) + "; sqlnn's networks have one "
                        + "activation for every hidden layer");
            }
            hidden = a;
        }
        Activation output = layers.get(layers.size() - 1).activation();
        Network network = new Network(sizes, hidden, output, weights, biases);
        Preprocessing preprocessing = preprocessing(input, features, scale, offset);
        if (!classifier) return ImportedModels.regression(input.name(), preprocessing, network, targetShift, targetScale);
        return classes.kind() == null ? ImportedModels.classifier(classes.labels(), input.name(), preprocessing, network)
                : ImportedModels.classifier(classes.labels(), classes.kind(), input.name(), preprocessing, network);
    }

    static String operatorName(Activation a) {
        return switch (a) {
            case RELU -> "Relu";
            case TANH -> "Tanh";
            case SIGMOID -> "Sigmoid";
            case SOFTMAX -> "Softmax";
            case IDENTITY -> "no activation";
            case LEAKY_RELU -> "LeakyRelu";
            case ELU -> "Elu";
            case SELU -> "Selu";
            case GELU -> "Gelu";
            case SOFTPLUS -> "Softplus";
        };
    }

    /**
     * {@code scale[i] * x + offset[i]} as sqlnn's {@code (x - shift) * factor}: bytes divided by 255
     * are sqlnn's byte scaling, numbers left alone are unscaled, anything else is a fitted scaler.
     */
    private static Preprocessing preprocessing(Input input, int features, double[] scale, double[] offset) {
        FeatureKind kind = input.bytes() ? FeatureKind.BYTES : FeatureKind.NUMERIC;
        if (scale == null) return Preprocessing.identity(kind, features);
        float[] shift = new float[features];
        float[] factor = new float[features];
        boolean bytesScaling = input.bytes();
        boolean identity = true;
        for (int i = 0; i < features; i++) {
            if (scale[i] == 0 || !Double.isFinite(scale[i]) || !Double.isFinite(offset[i])) {
                throw new IllegalArgumentException("the graph's preprocessing maps feature " + (i + 1) + " to "
                        + scale[i] + " * x + " + offset[i] + "; sqlnn needs a finite, non-zero factor");
            }
            factor[i] = (float) scale[i];
            shift[i] = (float) (-offset[i] / scale[i]);
            bytesScaling &= shift[i] == 0f && factor[i] == 1f / 255f;
            identity &= shift[i] == 0f && factor[i] == 1f;
        }
        Scaling scaling = bytesScaling ? Scaling.BYTES : identity ? Scaling.NONE : Scaling.STANDARD;
        return new Preprocessing(kind, scaling, shift, factor);
    }
}

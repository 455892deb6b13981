package dev.sqlnn.model.onnx;

import dev.sqlnn.data.FeatureEncoding;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.Imputation;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Preprocessing;
import dev.sqlnn.model.About;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.onnx.proto.Onnx.ModelProto;
import dev.sqlnn.model.onnx.proto.Onnx.OperatorSetIdProto;
import dev.sqlnn.model.onnx.proto.Onnx.StringStringEntryProto;
import dev.sqlnn.model.onnx.proto.Onnx.TensorProto.DataType;
import dev.sqlnn.nn.Activation;
import dev.sqlnn.nn.Network;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.sqlnn.model.onnx.OnnxGraphs.attribute;
import static dev.sqlnn.model.onnx.OnnxGraphs.value;

/**
 * Writes a {@link Model} as an ONNX model that takes the raw features, as {@code PREDICT} does, and
 * answers what {@code PREDICT_PROBA}, {@code PREDICT_LABEL} and {@code PREDICT_VALUE} answer: the
 * stored preprocessing (bytes /255, standardisation or min-max, one-hot categories with their
 * "other" and "missing" inputs, imputed NULLs) is part of the graph.
 *
 * <p>Inputs, named after the training query's feature columns as the model stores them:
 * <ul>
 *   <li>a VARBINARY column: {@code uint8 [N, width]}, the raw bytes;</li>
 *   <li>an ARRAY column: {@code float [N, width]};</li>
 *   <li>plain columns: one input per column, {@code float [N, 1]} for a number (NaN is NULL) and
 *       {@code string [N, 1]} for a category (text, or a boolean as {@code "true"} / {@code "false"};
 *       the empty string is NULL).</li>
 * </ul>
 * Outputs: a classifier's {@code probabilities} ({@code float [N, classes]}, in the order of the
 * model's classes) and {@code label} ({@code int64 [N]} for integer labels, {@code string [N]} for
 * text); a regression's {@code value} ({@code double [N]}, in the label's units, computed like
 * {@code PREDICT_VALUE}). Layers are {@code Gemm} nodes with {@code Relu}, {@code Tanh} or
 * {@code Sigmoid}, a classifier ends in {@code Softmax}; categories go through {@code ai.onnx.ml}'s
 * {@code LabelEncoder}. Opset {@value #OPSET} ({@code ai.onnx.ml} {@value #ML_OPSET}), IR version
 * {@value #IR_VERSION}: what ONNX 1.13 and later, and every ONNX Runtime since 1.14, read.
 */
public final class OnnxExporter {

    /** The default domain's opset. */
    public static final int OPSET = 18;
    /** The {@code ai.onnx.ml} opset that goes with {@link #OPSET} in ONNX 1.13. */
    public static final int ML_OPSET = 3;
    /** The IR version of ONNX 1.13, whose opsets these are. */
    public static final long IR_VERSION = 8;
    static final String ML_DOMAIN = "ai.onnx.ml";

    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";
    public static final String VALUE = "value";
    private static final Set<String> OUTPUTS = Set.of(PROBABILITIES, LABEL, VALUE);

    /** What protobuf can write in one message, less room for everything but the weights. */
    private static final long MAX_PARAMETER_BYTES = Integer.MAX_VALUE - (64L << 20);

    private final Model model;
    private final OnnxGraphs.Builder graph;

    private OnnxExporter(Model model) {
        this.model = model;
        this.graph = new OnnxGraphs.Builder(model.name() == null ? "sqlnn" : model.name());
    }

    /**
     * The model as an ONNX {@code ModelProto}.
     *
     * @throws UnsupportedOperationException for a model the format cannot carry: one whose
     *                                       parameters exceed protobuf's 2 GB, one with a feature column named like an output,
     *                                       or one that keeps the empty string as a category (the graph's NULL)
     */
    public static ModelProto export(Model model) {
        return new OnnxExporter(model).build();
    }

    /** {@link #export} as the bytes of an {@code .onnx} file. */
    public static byte[] exportBytes(Model model) {
        return export(model).toByteArray();
    }

    private ModelProto build() {
        checkExportable();
        model.featureNames().forEach(graph::reserve); // before any intermediate value takes a name
        OUTPUTS.forEach(graph::reserve);
        String features = scaled(rawInputs());
        String outputs = layers(features);
        if (model.isClassifier()) classifierOutputs(outputs);
        else regressionOutput(outputs);
        graph.docString(describe());
        ModelProto.Builder proto = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET))
                .setProducerName("sqlnn")
                .setProducerVersion(About.VERSION)
                .setModelVersion(model.version())
                .setDocString(describe())
                .setGraph(graph.build());
        metadata(proto, "sqlnn.version", About.VERSION);
        if (model.name() != null) {
            metadata(proto, "sqlnn.model", model.name());
            metadata(proto, "sqlnn.model_version", Long.toString(model.version()));
        }
        metadata(proto, "sqlnn.task", model.task().name().toLowerCase(java.util.Locale.ROOT));
        metadata(proto, "sqlnn.layers", model.layers());
        return proto.build();
    }

    private static void metadata(ModelProto.Builder proto, String key, String value) {
        proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private String describe() {
        return "sqlnn model " + model.describe() + ", " + model.task().name().toLowerCase(java.util.Locale.ROOT)
                + ", layers " + model.layers() + "; inputs: the raw features " + model.featureNames()
                + "; outputs: " + (model.isClassifier() ? PROBABILITIES + ", " + LABEL : VALUE);
    }

    private void checkExportable() {
        long bytes = 0;
        for (int l = 0; l < model.layerCount(); l++) {
            bytes += 4L * (model.network().weights(l).length + model.network().biases(l).length);
        }
        if (bytes > MAX_PARAMETER_BYTES) {
            throw new UnsupportedOperationException("model " + model.describe() + " has " + bytes / (1 << 20)
                    + " MB of parameters; an ONNX file holds at most 2 GB in one protobuf message");
        }
        for (String name : model.featureNames()) {
            if (OUTPUTS.contains(name)) {
                throw new UnsupportedOperationException("model " + model.describe() + " has a feature column named "
                        + name + ", like an output of the ONNX graph (" + PROBABILITIES + ", " + LABEL + ", " + VALUE
                        + "); train it with the column renamed to export it");
            }
        }
        FeatureEncoding encoding = model.encoding();
        if (encoding == null) return;
        for (FeatureEncoding.Column c : encoding.columns()) {
            if (c.categories().contains("")) {
                throw new UnsupportedOperationException("column " + c.name() + " of model " + model.describe()
                        + " keeps the empty string as a category, and in the ONNX graph the empty string stands for "
                        + "NULL; train it with empty strings turned into NULL (NULLIF(" + c.name() + ", '')) to export it");
            }
        }
    }

    // ---------------------------------------------------------------- inputs

    /** Declares the inputs; returns the name of the {@code float [N, inputWidth]} of unscaled features. */
    private String rawInputs() {
        int width = model.inputWidth();
        List<String> names = model.featureNames();
        if (model.encoding() != null) return encoded(model.encoding());
        if (model.featureKind() == FeatureKind.BYTES) {
            String bytes = declare(names.get(0), DataType.UINT8, width);
            return graph.node("Cast", List.of(bytes), attribute("to", (long) DataType.FLOAT.getNumber()));
        }
        if (names.size() == 1) return declare(names.get(0), DataType.FLOAT, width);
        // format version 1's plain columns: one number each, never NULL
        List<String> columns = new ArrayList<>();
        for (String name : names) columns.add(declare(name, DataType.FLOAT, 1));
        return concatenated(columns);
    }

    private String declare(String name, DataType type, long width) {
        graph.input(value(name, type, null, width));
        return name;
    }

    /** One input per column, encoded as the model encodes a row: numbers imputed, categories one-hot. */
    private String encoded(FeatureEncoding encoding) {
        List<String> parts = new ArrayList<>();
        for (FeatureEncoding.Column c : encoding.columns()) {
            parts.add(c.kind() == FeatureEncoding.Kind.NUMBER ? number(c) : category(c));
        }
        return concatenated(parts);
    }

    /** {@code x}, or the column's fill where {@code x} is NaN; NaN stays NaN when the model refuses NULLs. */
    private String number(FeatureEncoding.Column c) {
        String x = declare(c.name(), DataType.FLOAT, 1);
        if (c.impute() == Imputation.ERROR) return x;
        String isNull = graph.node("IsNaN", List.of(x));
        String fill = graph.constant(OnnxGraphs.floatTensor("fill", new float[] {c.fill()}, 1));
        return graph.node("Where", List.of(isNull, fill, x));
    }

    /**
     * The column's one-hot inputs: its categories in order, then "other" (any other text), then
     * "missing" (the empty string). The label encoder turns the text into its input's index, and
     * comparing that index with {@code 0, 1, ..., k+1} spreads it into {@code float [N, k+2]}.
     */
    private String category(FeatureEncoding.Column c) {
        String text = declare(c.name(), DataType.STRING, 1);
        List<String> keys = new ArrayList<>(c.categories());
        keys.add("");
        int kept = c.categories().size();
        long[] slots = new long[kept + 1];
        for (int k = 0; k < kept; k++) slots[k] = k;
        slots[kept] = kept + 1; // the empty string: "missing"
        String index = graph.nodeInto(graph.fresh("slot"), ML_DOMAIN, "LabelEncoder", List.of(text),
                OnnxGraphs.stringsAttribute("keys_strings", keys), OnnxGraphs.longsAttribute("values_int64s", slots),
                attribute("default_int64", (long) kept)); // anything else: "other"
        long[] all = new long[kept + 2];
        for (int k = 0; k < all.length; k++) all[k] = k;
        String positions = graph.constant(OnnxGraphs.longTensor("slots", all, all.length));
        String hot = graph.node("Equal", List.of(index, positions)); // [N, 1] against [k+2]: [N, k+2]
        return graph.node("Cast", List.of(hot), attribute("to", (long) DataType.FLOAT.getNumber()));
    }

    private String concatenated(List<String> parts) {
        if (parts.size() == 1) return parts.get(0);
        return graph.node("Concat", parts, attribute("axis", 1L));
    }

    /** {@code (x - shift) * factor}, in float like {@link Preprocessing#apply}. */
    private String scaled(String raw) {
        Preprocessing p = model.preprocessing();
        int width = p.width();
        String shift = graph.constant(OnnxGraphs.floatTensor("shift", p.shift(), width));
        String factor = graph.constant(OnnxGraphs.floatTensor("factor", p.factor(), width));
        return graph.node("Mul", List.of(graph.node("Sub", List.of(raw, shift)), factor));
    }

    // ---------------------------------------------------------------- the network

    /** Every layer as a {@code Gemm} (weights stored inputs × outputs, as the network keeps them) and its activation. */
    private String layers(String input) {
        Network network = model.network();
        String h = input;
        for (int l = 0; l < network.layerCount(); l++) {
            long in = network.size(l);
            long out = network.size(l + 1);
            String w = graph.constant(OnnxGraphs.floatTensor("weights" + (l + 1), network.weights(l), in, out));
            String b = graph.constant(OnnxGraphs.floatTensor("bias" + (l + 1), network.biases(l), out));
            h = activation(network.activation(l), graph.node("Gemm", List.of(h, w, b)));
        }
        return h;
    }

    /**
     * The activation as ONNX operators. LeakyRelu, Elu and Selu take their attributes' defaults, which are
     * sqlnn's constants (slope 0.01; alpha 1; Selu's alpha and gamma as floats); GELU has no operator before
     * opset 20 and is written out as sqlnn computes it, {@code z·σ(2C·z·(1 + K·z²))}, the tanh approximation.
     */
    private String activation(Activation activation, String z) {
        return switch (activation) {
            case RELU -> graph.node("Relu", List.of(z));
            case TANH -> graph.node("Tanh", List.of(z));
            case SIGMOID -> graph.node("Sigmoid", List.of(z));
            case SOFTMAX -> graph.node("Softmax", List.of(z), attribute("axis", -1L));
            case IDENTITY -> z;
            case LEAKY_RELU -> graph.node("LeakyRelu", List.of(z));
            case ELU -> graph.node("Elu", List.of(z));
            case SELU -> graph.node("Selu", List.of(z));
            case SOFTPLUS -> graph.node("Softplus", List.of(z));
            case GELU -> gelu(z);
        };
    }

    private String gelu(String z) {
        String k = graph.constant(OnnxGraphs.floatTensor("gelu_k", new float[] {Activation.GELU_K}));
        String one = graph.constant(OnnxGraphs.floatTensor("gelu_one", new float[] {1f}));
        String twoC = graph.constant(OnnxGraphs.floatTensor("gelu_2c", new float[] {2f * Activation.GELU_C}));
        String cubic = graph.node("Add", List.of(graph.node("Mul", List.of(graph.node("Mul", List.of(z, z)), k)), one));
        String twoU = graph.node("Mul", List.of(graph.node("Mul", List.of(z, cubic)), twoC));
        return graph.node("Mul", List.of(z, graph.node("Sigmoid", List.of(twoU))));
    }

    // ---------------------------------------------------------------- outputs

    /** {@code probabilities}, and {@code label}: the class of the most probable output, the first among equals. */
    private void classifierOutputs(String outputs) {
        int classes = model.outputWidth();
        graph.nodeInto(PROBABILITIES, "", "Identity", List.of(outputs));
        graph.output(value(PROBABILITIES, DataType.FLOAT, null, (long) classes));
        String best = graph.node("ArgMax", List.of(PROBABILITIES), attribute("axis", 1L), attribute("keepdims", 0L),
                attribute("select_last_index", 0L));
        boolean integers = model.labelKind() == LabelKind.INTEGER;
        String labels;
        if (integers) {
            long[] values = model.classes().stream().mapToLong(Long::parseLong).toArray();
            labels = graph.constant(OnnxGraphs.longTensor("classes", values, classes));
        } else {
            labels = graph.constant(OnnxGraphs.stringTensor("classes", model.classes(), classes));
        }
        graph.nodeInto(LABEL, "", "Gather", List.of(labels, best), attribute("axis", 0L));
        graph.output(value(LABEL, integers ? DataType.INT64 : DataType.STRING, (Long) null));
    }

    /** {@code value}: the output in the label's units, {@code output * targetScale + targetShift} in double. */
    private void regressionOutput(String outputs) {
        String column = graph.node("Cast", List.of(outputs), attribute("to", (long) DataType.DOUBLE.getNumber()));
        String flat = graph.node("Reshape", List.of(column, graph.constant(OnnxGraphs.longTensor("rows", new long[] {-1}, 1))));
        String scale = graph.constant(OnnxGraphs.doubleTensor("target_scale", new double[] {model.targetScale()}, 1));
        String shift = graph.constant(OnnxGraphs.doubleTensor("target_shift", new double[] {model.targetShift()}, 1));
        String scaled = graph.node("Mul", List.of(flat, scale));
        graph.nodeInto(VALUE, "", "Add", List.of(scaled, shift));
        graph.output(value(VALUE, DataType.DOUBLE, (Long) null));
    }
}

package dev.sqlnn.model.onnx;

import ai.onnxruntime.OrtException;
import dev.sqlnn.data.FeatureKind;
import dev.sqlnn.data.LabelKind;
import dev.sqlnn.data.Scaling;
import dev.sqlnn.data.Task;
import dev.sqlnn.model.FeatureRow;
import dev.sqlnn.model.ImportedModels;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.model.onnx.proto.Onnx;
import dev.sqlnn.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The importer on graphs built with ONNX's protobuf classes, each checked against what ONNX Runtime
 * computes for the same graph and rows: every accepted form must agree within {@link #TOLERANCE}, and
 * every refused one must say which operator or part is the reason.
 */
class OnnxImporterTest {

    static final double TOLERANCE = 1e-5;
    private static final int ROWS = 200;

    @Test
    void gemmWithTransposedWeightsReluAndSoftmaxIsAClassifierOfClassesZeroToK() throws OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 6).gemm(16, true).relu().gemm(4, true).softmax().bytes();
        Model model = OnnxImporter.read(onnx).model();
        assertEquals(Task.CLASSIFICATION, model.task());
        assertEquals(List.of("0", "1", "2", "3"), model.classes());
        assertEquals("6-16-4", model.layers());
        assertEquals(List.of("x"), model.featureNames());
        assertEquals(Activation.RELU, model.network().hiddenActivation());
        assertEquals(Activation.SOFTMAX, model.network().outputActivation());
        assertAgrees(onnx, model, 6, 1f);
    }

    @Test
    void gemmAlphaAndBetaAreFoldedIntoTheWeightsAndBiases() throws OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 5).gemm(8, false, 0.5f, 2f).tanh().gemm(8, true, 1.5f, 0.25f).tanh()
                .gemm(3, false).softmax().bytes();
        assertAgrees(onnx, OnnxImporter.read(onnx).model(), 5, 2f);
    }

    @Test
    void matMulAndAddWithSigmoidAreLayersToo() throws OrtException {
        byte[] onnx = MlpGraphs.floatInput("features", 7).matMulAdd(12).sigmoid().matMulAdd(12).sigmoid()
                .matMul(2).softmax().bytes(); // the last layer without a bias
        Model model = OnnxImporter.read(onnx).model();
        assertEquals(Activation.SIGMOID, model.network().hiddenActivation());
        assertAgrees(onnx, model, 7, 3f);
    }

    @Test
    void oneOutputWithoutSoftmaxIsARegressionAndTrailingScalingFoldsIntoTheLastLayer() throws OrtException {
        MlpGraphs g = MlpGraphs.floatInput("x", 4);
        byte[] onnx = g.perUnit("Sub", new float[] {1, 2, 3, 4}).perUnit("Div", new float[] {2, 0.5f, 4, 1})
                .matMulAdd(10).relu().matMulAdd(1).scalar("Mul", 12.5f).scalar("Add", 40f).bytes();
        Model model = OnnxImporter.read(onnx).model();
        assertEquals(Task.REGRESSION, model.task());
        assertEquals(Scaling.STANDARD, model.preprocessing().scaling());
        assertAgrees(onnx, model, 4, 5f);
    }

    @Test
    void aByteInputCastAndDividedBy255IsSqlnnsByteScaling() throws OrtException {
        byte[] onnx = MlpGraphs.byteInput("image", 7, 1, 4, 4).flatten().castToFloat().scalar("Div", 255f)
                .gemm(8, true).relu().gemm(3, true).softmax().bytes();
        Model model = OnnxImporter.read(onnx).model();
        assertEquals(FeatureKind.BYTES, model.featureKind());
        assertEquals(Scaling.BYTES, model.preprocessing().scaling());
        assertEquals(16, model.inputWidth());
        Random random = new Random(3);
        byte[][] rows = new byte[ROWS][16];
        for (byte[] row : rows) random.nextBytes(row);
        float[][] expected = OnnxRuntimeScores.ofBytes(onnx, rows, 1, 4, 4);
        for (int r = 0; r < ROWS; r++) {
            assertClose(expected[r], model.predictProbabilities(FeatureRow.ofBytes(rows[r])), r);
        }
    }

    @Test
    void reshapeIdentityAndAnOlderOpsetsSoftmaxAreAccepted() throws OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 9, 3, 3).reshape(-1, 9).operator("Identity", "same")
                .gemm(5, false).relu().gemm(4, false).softmax(1).opset(11).bytes();
        Model model = OnnxImporter.read(onnx).model();
        Random random = new Random(5);
        float[][] rows = rows(random, 9, 1f);
        float[][] expected = OnnxRuntimeScores.ofFloats(onnx, rows, 3, 3);
        for (int r = 0; r < ROWS; r++) assertClose(expected[r], model.predictProbabilities(numbers(rows[r])), r);
    }

    @Test
    void metadataNamesTheClassesAndTheModelSurvivesSqlnnsCodec() throws OrtException {
        byte[] onnx = MlpGraphs.floatInput("x", 3).gemm(6, true).relu().gemm(3, true).softmax()
                .metadata(OnnxImporter.CLASSES_PROPERTY, "[\"cat\", \"dog\", \"eel\"]").bytes();
        Model model = ModelCodec.decode(ModelCodec.encode(OnnxImporter.read(onnx).model()));
        assertEquals(List.of("cat", "dog", "eel"), model.classes());
        assertAgrees(onnx, model, 3, 1f);
        String source = OnnxImporter.read(onnx).sourceJson();
        assertTrue(source.contains("\"imported_from\":\"onnx\"") && source.contains("\"opset\":17"), source);
    }

    // ---------------------------------------------------------------- sqlnn's own exports

    @Test
    void anExportedClassifiersLabelBranchNamesItsClassesAndTheirKind() {
        Model digits = imported(MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(3, true).softmax());
        Model text = ImportedModels.classifier(List.of("7", "8", "9"), LabelKind.TEXT, "x", digits.preprocessing(),
                digits.network());
        Model back = OnnxImporter.read(OnnxExporter.exportBytes(text)).model();
        assertEquals(List.of("7", "8", "9"), back.classes());
        assertEquals(LabelKind.TEXT, back.labelKind(), "STRING labels stay text, digits or not");
        Model integers = ImportedModels.classifier(List.of("7", "8", "9"), "x", digits.preprocessing(), digits.network());
        assertEquals(LabelKind.INTEGER, OnnxImporter.read(OnnxExporter.exportBytes(integers)).model().labelKind());
        float[] row = {0.5f, -1f, 2f, 0f};
        assertArrayEquals(text.predictProbabilities(numbers(row)), back.predictProbabilities(numbers(row)));
    }

    @Test
    void anExportedRegressionsTailBecomesItsTargetScalingInDouble() {
        Model network = imported(MlpGraphs.floatInput("x", 3).gemm(6, true).tanh().gemm(1, true));
        Model model = ImportedModels.regression("x", network.preprocessing(), network.network(), 1234.5678, 987.654321);
        Onnx.ModelProto exported = OnnxExporter.export(model);
        Model back = OnnxImporter.read(exported.toByteArray()).model();
        assertEquals(1234.5678, back.targetShift());
        assertEquals(987.654321, back.targetScale(), 1e-12);
        float[] row = {0.25f, -2f, 1f};
        assertEquals(model.predictValue(numbers(row)), back.predictValue(numbers(row)), 1e-9);

        // Squeeze of axis 1 (its axes an input since opset 13) instead of the Reshape to [-1]
        Onnx.GraphProto.Builder g = exported.getGraph().toBuilder();
        int reshape = nodeIndex(g, "Reshape");
        Onnx.NodeProto r = g.getNode(reshape);
        g.addInitializer(OnnxGraphs.longTensor("squeezed", new long[] {1}, 1));
        g.setNode(reshape, r.toBuilder().setOpType("Squeeze").setInput(1, "squeezed"));
        Model squeezed = OnnxImporter.read(exported.toBuilder().setGraph(g).build().toByteArray()).model();
        assertEquals(model.predictValue(numbers(row)), squeezed.predictValue(numbers(row)), 1e-9);
    }

    @Test
    void theLabelBranchMustBeAsTheExporterWritesIt() {
        Model classifier = imported(MlpGraphs.floatInput("x", 4).gemm(3, true).softmax());
        Onnx.ModelProto exported = OnnxExporter.export(classifier);

        Onnx.ModelProto disagreeing = exported.toBuilder().addMetadataProps(Onnx.StringStringEntryProto.newBuilder()
                .setKey(OnnxImporter.CLASSES_PROPERTY).setValue("[\"a\", \"b\", \"c\"]")).build();
        assertMalformed(disagreeing.toByteArray(), "label branch gathers '[0, 1, 2]'");
        Onnx.ModelProto agreeing = exported.toBuilder().addMetadataProps(Onnx.StringStringEntryProto.newBuilder()
                .setKey(OnnxImporter.CLASSES_PROPERTY).setValue("[0, 1, 2]")).build();
        assertEquals(List.of("0", "1", "2"), OnnxImporter.read(agreeing.toByteArray()).model().classes());

        Onnx.GraphProto.Builder kept = exported.getGraph().toBuilder();
        int argMax = nodeIndex(kept, "ArgMax");
        Onnx.NodeProto.Builder a = kept.getNode(argMax).toBuilder().clearAttribute()
                .addAttribute(OnnxGraphs.attribute("axis", 1L)).addAttribute(OnnxGraphs.attribute("keepdims", 1L));
        kept.setNode(argMax, a);
        assertRefusedFile(exported.toBuilder().setGraph(kept).build().toByteArray(), "keepdims 1");

        Onnx.GraphProto.Builder third = exported.getGraph().toBuilder();
        third.addOutput(third.getOutput(0).toBuilder().setName(third.getNode(nodeIndex(third, "Gemm")).getOutput(0)));
        assertRefusedFile(exported.toBuilder().setGraph(third).build().toByteArray(), "the graph has 3 outputs");

        Onnx.GraphProto.Builder lone = exported.getGraph().toBuilder();
        lone.removeNode(nodeIndex(lone, "ArgMax"));
        assertRefusedFile(exported.toBuilder().setGraph(lone).build().toByteArray(),
                "is not the Gather of constant class labels by the ArgMax");
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void anUnsupportedOperatorIsNamedWithItsNode() {
        byte[] onnx = MlpGraphs.floatInput("x", 1, 1, 8, 8).initializer("kernel", 4, 1, 3, 3)
                .operator("Conv", "conv1", "kernel").flatten().gemm(3, true).softmax().bytes();
        var e = assertThrows(UnsupportedOperationException.class, () -> OnnxImporter.read(onnx));
        assertTrue(e.getMessage().startsWith("operator Conv (node 'conv1') is not supported; sqlnn imports MLPs: Gemm, "
                + "MatMul+Add, Relu"), e.getMessage());
    }

    @Test
    void leakyReluEluSeluAndSoftplusWithOnnxsDefaultsScoreAsOnnxRuntime() throws OrtException {
        for (String operator : List.of("LeakyRelu", "Elu", "Selu", "Softplus")) {
            MlpGraphs graph = MlpGraphs.floatInput("x", 4).gemm(8, true);
            graph = operator.equals("LeakyRelu") ? graph.leakyRelu() : graph.activation(operator);
            byte[] onnx = graph.gemm(3, true).softmax().bytes();
            assertAgrees(onnx, OnnxImporter.read(onnx).model(), 4, 3f);
        }
    }

    @Test
    void anActivationWithOtherConstantsThanSqlnnsIsRefused() {
        byte[] onnx = MlpGraphs.floatInput("x", 4).gemm(8, true).leakyRelu(0.2f).gemm(2, true).softmax().bytes();
        var e = assertThrows(UnsupportedOperationException.class, () -> OnnxImporter.read(onnx));
        assertTrue(e.getMessage().contains("LeakyRelu (node 'leakyrelu1') has alpha 0.2; sqlnn's leaky_relu has alpha"
                + " 0.01 (ONNX's default), and keeps no other"), e.getMessage());
    }

    @Test
    void formsThatSqlnnsNetworksCannotHoldAreRefusedAsUnsupported() {
        assertRefused(MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(8, true).tanh().gemm(2, true).softmax(),
                "one activation for every hidden layer");
        assertRefused(MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(3, true), "3 outputs and no Softmax");
        assertRefused(MlpGraphs.floatInput("x", 4).gemm(3, true).softmax().scalar("Mul", 2f), "follows Softmax");
        assertRefused(MlpGraphs.floatInput("x", 4).relu().gemm(3, true).softmax(), "follows the input");
        assertRefused(MlpGraphs.floatInput("x", 4).gemm(3, true).relu().scalar("Mul", 2f), "follows Relu");
        assertRefused(MlpGraphs.floatInput("x", 4).scalar("Div", 2f).opset(6).gemm(1, true), "opset 6");
        assertRefused(MlpGraphs.floatInput("x", 1, 2, 2).gemm(3, true).softmax(), "rank 3");
        assertRefused(MlpGraphs.floatInput("x", 4).reshape(2, 2).gemm(3, true).softmax(), "Reshape");
        assertRefused(MlpGraphs.floatInput("x", 4).castToFloat().cast(Onnx.TensorProto.DataType.DOUBLE_VALUE)
                .gemm(3, true), "Cast (node 'cast1') casts to DOUBLE");
    }

    @Test
    void aBranchingGraphIsRefusedAsNotAChain() {
        Onnx.ModelProto proto = MlpGraphs.floatInput("x", 4).gemm(4, true).relu().gemm(4, true).proto();
        // a residual connection: the last output plus the first layer's
        Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Add").setName("residual").addInput(g.getNode(2).getOutput(0))
                .addInput("h0").addOutput("sum"));
        g.setOutput(0, g.getOutput(0).toBuilder().setName("sum"));
        var e = assertThrows(UnsupportedOperationException.class,
                () -> OnnxImporter.read(proto.toBuilder().setGraph(g).build().toByteArray()));
        assertTrue(e.getMessage().contains("Add (node 'residual') takes several computed tensors"), e.getMessage());
    }

    @Test
    void malformedFilesAreBadArguments() {
        assertMalformed(new byte[0], "empty");
        assertMalformed(MlpGraphs.floatInput("x", 4).operator("Cast", "no_type").gemm(3, true).softmax().bytes(),
                "Cast (node 'no_type') has no attribute 'to'");
        assertMalformed("not an onnx file at all".getBytes(), "not an ONNX model");
        byte[] good = MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(2, true).softmax().bytes();
        assertMalformed(java.util.Arrays.copyOf(good, good.length - 40), "");
        // a weight that does not chain, a missing initializer, data cut short
        assertMalformed(MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(2, true).proto().toBuilder()
                .setGraph(withInput(MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(2, true).proto(), 5))
                .build().toByteArray(), "shapes do not chain");
        Onnx.ModelProto proto = MlpGraphs.floatInput("x", 4).gemm(8, true).relu().gemm(2, true).softmax().proto();
        Onnx.GraphProto.Builder noWeight = proto.getGraph().toBuilder().removeInitializer(0);
        assertMalformed(proto.toBuilder().setGraph(noWeight).build().toByteArray(), "missing initializer");
        Onnx.GraphProto.Builder cut = proto.getGraph().toBuilder();
        Onnx.TensorProto w = cut.getInitializer(0);
        cut.setInitializer(0, w.toBuilder().setRawData(w.getRawData().substring(0, 12)));
        assertMalformed(proto.toBuilder().setGraph(cut).build().toByteArray(), "declares shape [8, 4] (32 values) but holds 3");
        Onnx.GraphProto.Builder lying = proto.getGraph().toBuilder();
        lying.setInput(0, lying.getInput(0).toBuilder().setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1L << 30))))));
        assertMalformed(proto.toBuilder().setGraph(lying).build().toByteArray(), "cannot hold a layer");
    }

    // ---------------------------------------------------------------- helpers

    private static Model imported(MlpGraphs graph) {
        return OnnxImporter.read(graph.bytes()).model();
    }

    private static int nodeIndex(Onnx.GraphProto.Builder graph, String op) {
        for (int i = 0; i < graph.getNodeCount(); i++) if (graph.getNode(i).getOpType().equals(op)) return i;
        throw new AssertionError("no " + op + " in the graph");
    }

    private static void assertRefusedFile(byte[] onnx, String fragment) {
        var e = assertThrows(UnsupportedOperationException.class, () -> OnnxImporter.read(onnx));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static Onnx.GraphProto withInput(Onnx.ModelProto proto, int features) {
        Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
        g.setInput(0, g.getInput(0).toBuilder().setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("n"))
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(features))))));
        return g.build();
    }

    private static void assertRefused(MlpGraphs graph, String fragment) {
        var e = assertThrows(UnsupportedOperationException.class, () -> OnnxImporter.read(graph.bytes()));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static void assertMalformed(byte[] onnx, String fragment) {
        var e = assertThrows(IllegalArgumentException.class, () -> OnnxImporter.read(onnx));
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    /** The model's outputs (probabilities or value) equal ONNX Runtime's on random rows of {@code width}. */
    static void assertAgrees(byte[] onnx, Model model, int width, float spread) throws OrtException {
        float[][] rows = rows(new Random(width), width, spread);
        float[][] expected = OnnxRuntimeScores.ofFloats(onnx, rows);
        for (int r = 0; r < rows.length; r++) {
            float[] actual = model.isClassifier() ? model.predictProbabilities(numbers(rows[r]))
                    : new float[] {(float) model.predictValue(numbers(rows[r]))};
            assertClose(expected[r], actual, r);
        }
    }

    static void assertClose(float[] expected, float[] actual, int row) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            // absolute for probabilities; relative for a regression's values, which may be large
            double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            int unit = i;
            assertEquals(expected[i], actual[i], tolerance, () -> "row " + row + ", output " + unit);
        }
    }

    private static float[][] rows(Random random, int width, float spread) {
        float[][] rows = new float[ROWS][width];
        for (float[] row : rows) {
            for (int i = 0; i < width; i++) row[i] = (float) (random.nextGaussian() * spread);
        }
        return rows;
    }

    private static FeatureRow numbers(float[] row) {
        double[] values = new double[row.length];
        for (int i = 0; i < row.length; i++) values[i] = row[i];
        return FeatureRow.ofNumbers(values, 0);
    }
}

package dev.sqlnn.model.onnx;

import dev.sqlnn.model.FeatureRow;
import dev.sqlnn.model.Model;
import dev.sqlnn.model.ModelAccess;
import dev.sqlnn.model.ModelCodec;
import dev.sqlnn.model.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter on models that SQL tests do not train: the golden model of format version 1 (plain
 * number columns without an encoding, tanh, text classes with a non-ASCII one and a non-ASCII
 * column name), scored by ONNX Runtime against {@link Model#predictProbabilities}; and what the file
 * declares.
 */
class OnnxExporterTest {

    private static Model golden() throws IOException {
        try (InputStream in = Model.class.getResourceAsStream("golden-v1.sqlnnmodel")) {
            return ModelCodec.decode(in.readAllBytes()).named("birds", 3);
        }
    }

    @Test
    void aVersion1ModelOfPlainColumnsTakesOneInputPerColumn() throws Exception {
        Model model = golden();
        Random random = new Random(5);
        int n = 50;
        float[][][] columns = new float[3][n][1];
        double[][] rows = new double[n][3];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                float x = (float) (4 * random.nextGaussian());
                columns[c][i][0] = x;
                rows[i][c] = x;
            }
        }
        try (OnnxRun run = new OnnxRun(OnnxExporter.exportBytes(model))) {
            assertEquals(List.of("wingspan: FLOAT [-1, 1]", "beak: FLOAT [-1, 1]", "Höhe: FLOAT [-1, 1]",
                    "probabilities: FLOAT [-1, 2]", "label: STRING [-1]"), run.signature());
            Map<String, Object> out = run.floats("wingspan", columns[0]).floats("beak", columns[1])
                    .floats("Höhe", columns[2]).run();
            float[][] probabilities = (float[][]) out.get("probabilities");
            String[] labels = (String[]) out.get("label");
            for (int i = 0; i < n; i++) {
                float[] expected = model.predictProbabilities(FeatureRow.ofNumbers(rows[i], 0));
                for (int k = 0; k < 2; k++) assertEquals(expected[k], probabilities[i][k], 1e-5, "row " + i);
                if (Math.abs(expected[0] - expected[1]) > 1e-4) {
                    assertEquals(model.predictLabel(FeatureRow.ofNumbers(rows[i], 0)), labels[i], "row " + i);
                }
            }
        }
    }

    @Test
    void theFileSaysWhatMadeItAndWhichOpsetsItNeeds() throws Exception {
        Onnx.ModelProto proto = OnnxExporter.export(golden());
        assertEquals(OnnxExporter.IR_VERSION, proto.getIrVersion());
        assertEquals("sqlnn", proto.getProducerName());
        assertEquals(3, proto.getModelVersion());
        Map<String, Long> opsets = new java.util.HashMap<>();
        proto.getOpsetImportList().forEach(o -> opsets.put(o.getDomain(), o.getVersion()));
        assertEquals(Map.of("", (long) OnnxExporter.OPSET, "ai.onnx.ml", (long) OnnxExporter.ML_OPSET), opsets);
        Map<String, String> metadata = new java.util.HashMap<>();
        proto.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertEquals("birds", metadata.get("sqlnn.model"));
        assertEquals("3", metadata.get("sqlnn.model_version"));
        assertEquals("3-4-2", metadata.get("sqlnn.layers"));
        assertEquals(List.of("Sub", "Mul"), proto.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType)
                .filter(op -> op.equals("Sub") || op.equals("Mul")).toList(), "the scaling, once");
        assertEquals(2, proto.getGraph().getNodeList().stream().filter(node -> node.getOpType().equals("Gemm")).count());
        assertTrue(proto.getGraph().getInitializerList().stream().anyMatch(t -> t.getStringDataList().stream()
                .map(b -> b.toStringUtf8()).toList().equals(List.of("bird", "Möwe"))), "the classes, in UTF-8");
    }

    @Test
    void aFeatureNamedLikeAnOutputIsRefusedAsNotSupported() throws IOException {
        Model golden = golden();
        Model renamed = ModelAccess.withFeatureNames(golden, List.of("wingspan", "label", "Höhe"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> OnnxExporter.export(renamed));
        assertTrue(e.getMessage().contains("feature column named label"), e.getMessage());
    }
}

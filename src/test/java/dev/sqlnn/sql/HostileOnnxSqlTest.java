package dev.sqlnn.sql;

import dev.sqlnn.model.onnx.MlpGraphs;
import dev.sqlnn.model.onnx.OnnxExporter;
import dev.sqlnn.model.onnx.OnnxImporter;
import dev.sqlnn.model.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile ONNX files through {@code ML_IMPORT_ONNX}: valid graphs truncated, bit-flipped, overwritten
 * with random bytes, replaced by random bytes, or changed where it matters (a tensor's dimensions, the
 * input's shape, an operator's type, a node dropped or moved). Every case must end in either a stored
 * version that scores a row, or an {@link SQLException} of SQLState {@code 22023} (a file that is not a
 * consistent ONNX model) or {@code 0A000} (one sqlnn does not import): never another state (an
 * unchecked exception becomes {@code XX000}), an {@link Error}, or a hang.
 */
class HostileOnnxSqlTest extends SqlTestSupport {

    static final long SEED = 20261203L;
    static final int CASES = 400;
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> REFUSALS = Set.of("22023", "0A000");

    enum Kind { TRUNCATED, BITS_FLIPPED, RANGE_OVERWRITTEN, RANDOM_BYTES, DIMENSION_CHANGED, INPUT_RESHAPED,
        OPERATOR_CHANGED, NODE_DROPPED, NODES_SWAPPED }

    private static final List<String> OPERATORS = List.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Tanh",
            "Sigmoid", "Softmax", "Flatten", "Reshape", "Cast", "Identity", "Constant", "ArgMax", "Gather", "Squeeze",
            "Conv", "");
    private static final long[] DIMENSIONS = {0, 1, 2, 3, 7, -1, -5, 1L << 20, 1L << 31, Long.MAX_VALUE, 784};

    @Test
    void everyDamagedFileIsRefusedClearlyOrImportedIntoAModelThatScores() throws SQLException {
        List<Onnx.ModelProto> bases = List.of(
                MlpGraphs.byteInput("image", 1, 1, 4, 4).flatten().castToFloat().scalar("Div", 255f).gemm(6, true)
                        .relu().gemm(3, true).softmax().proto(),
                MlpGraphs.floatInput("x", 2, 5).perUnit("Sub", new float[] {1, 2, 3, 4, 5}).matMulAdd(8).tanh()
                        .matMulAdd(1).scalar("Mul", 3f).proto(),
                MlpGraphs.floatInput("x", 3, 3, 3).reshape(-1, 9).gemm(4, false, 0.5f, 2f).sigmoid().gemm(2, false)
                        .softmax(1).opset(11).metadata(OnnxImporter.CLASSES_PROPERTY, "[\"no\", \"yes\"]").proto(),
                // sqlnn's own exports: a label branch, a regression's double tail
                OnnxExporter.export(OnnxImporter.read(MlpGraphs.byteInput("image", 4, 16).castToFloat()
                        .scalar("Div", 255f).gemm(6, true).relu().gemm(3, true).softmax().bytes()).model()),
                OnnxExporter.export(OnnxImporter.read(MlpGraphs.floatInput("x", 5, 3).gemm(4, true).tanh()
                        .gemm(1, true).bytes()).model()));
        Random random = new Random(SEED);
        Map<Kind, int[]> outcomes = new EnumMap<>(Kind.class); // {imported, refused}
        for (int c = 0; c < CASES; c++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            Onnx.ModelProto base = bases.get(random.nextInt(bases.size()));
            byte[] file = mutate(kind, base, random);
            String name = "case" + c;
            int caseNumber = c;
            boolean imported = assertTimeoutPreemptively(CASE_TIMEOUT, () -> importAndScore(name, file),
                    () -> "case " + caseNumber + " (" + kind + ") hangs");
            outcomes.computeIfAbsent(kind, k -> new int[2])[imported ? 0 : 1]++;
        }
        StringBuilder summary = new StringBuilder("ONNX fuzz (imported/refused):");
        outcomes.forEach((k, o) -> summary.append(' ').append(k).append(' ').append(o[0]).append('/').append(o[1]));
        System.out.println(summary);
        for (Kind kind : Kind.values()) {
            int[] o = outcomes.getOrDefault(kind, new int[2]);
            assertTrue(o[1] > 0, () -> kind + " never refused a file: the mutation does not bite");
        }
    }

    /** Imports the file; when that succeeds, scores a row of zeros with it and drops it. Returns whether it imported. */
    private boolean importAndScore(String name, byte[] file) {
        try {
            value("SELECT ML_IMPORT_ONNX(?, ?)", name, file);
        } catch (SQLException e) {
            assertTrue(REFUSALS.contains(e.getSQLState()), () -> "SQLState " + e.getSQLState() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("ML_IMPORT_ONNX: "), e::getMessage);
            return false;
        } catch (Throwable t) {
            throw new AssertionError("not an SQLException: " + t, t);
        }
        try {
            Object[] row = rows("SELECT TASK, INPUT_WIDTH FROM SQLNN.MODELS WHERE NAME = ?", name).get(0);
            Double[] zeros = new Double[(Integer) row[1]];
            Arrays.fill(zeros, 0.0);
            String function = "classification".equals(row[0]) ? "PREDICT_PROBA" : "PREDICT_VALUE";
            try {
                value("SELECT " + function + "(?, ?)", name, zeros);
            } catch (SQLException e) {
                assertTrue(REFUSALS.contains(e.getSQLState()), () -> "scoring: SQLState " + e.getSQLState() + ": " + e.getMessage());
            }
            value("SELECT ML_DROP(?)", name);
            return true;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] mutate(Kind kind, Onnx.ModelProto base, Random random) {
        byte[] bytes = base.toByteArray();
        return switch (kind) {
            case TRUNCATED -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case BITS_FLIPPED -> {
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                yield bytes;
            }
            case RANGE_OVERWRITTEN -> {
                int from = random.nextInt(bytes.length);
                byte[] noise = new byte[Math.min(bytes.length - from, 1 + random.nextInt(32))];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, bytes, from, noise.length);
                yield bytes;
            }
            case RANDOM_BYTES -> {
                byte[] noise = new byte[random.nextInt(4096)];
                random.nextBytes(noise);
                yield noise;
            }
            case DIMENSION_CHANGED -> {
                Onnx.GraphProto.Builder g = base.getGraph().toBuilder();
                int t = random.nextInt(g.getInitializerCount());
                Onnx.TensorProto.Builder tensor = g.getInitializer(t).toBuilder();
                long dimension = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
                if (tensor.getDimsCount() == 0 || random.nextInt(4) == 0) tensor.addDims(dimension);
                else tensor.setDims(random.nextInt(tensor.getDimsCount()), dimension);
                yield base.toBuilder().setGraph(g.setInitializer(t, tensor)).build().toByteArray();
            }
            case INPUT_RESHAPED -> {
                Onnx.GraphProto.Builder g = base.getGraph().toBuilder();
                Onnx.ValueInfoProto.Builder input = g.getInput(0).toBuilder();
                Onnx.TensorShapeProto.Builder shape = input.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                List<Onnx.TensorShapeProto.Dimension> dims = new ArrayList<>(shape.getDimList());
                int at = random.nextInt(dims.size() + 1);
                Onnx.TensorShapeProto.Dimension d = Onnx.TensorShapeProto.Dimension.newBuilder()
                        .setDimValue(DIMENSIONS[random.nextInt(DIMENSIONS.length)]).build();
                if (at == dims.size()) dims.add(d);
                else dims.set(at, d);
                shape.clearDim().addAllDim(dims);
                if (random.nextInt(4) == 0) input.getTypeBuilder().getTensorTypeBuilder().setElemType(random.nextInt(17));
                yield base.toBuilder().setGraph(g.setInput(0, input)).build().toByteArray();
            }
            case OPERATOR_CHANGED -> {
                Onnx.GraphProto.Builder g = base.getGraph().toBuilder();
                int n = random.nextInt(g.getNodeCount());
                g.setNode(n, g.getNode(n).toBuilder().setOpType(OPERATORS.get(random.nextInt(OPERATORS.size()))));
                yield base.toBuilder().setGraph(g).build().toByteArray();
            }
            case NODE_DROPPED -> {
                Onnx.GraphProto.Builder g = base.getGraph().toBuilder();
                yield base.toBuilder().setGraph(g.removeNode(random.nextInt(g.getNodeCount()))).build().toByteArray();
            }
            case NODES_SWAPPED -> {
                Onnx.GraphProto.Builder g = base.getGraph().toBuilder();
                int a = random.nextInt(g.getNodeCount() - 1);
                Onnx.NodeProto first = g.getNode(a);
                g.setNode(a, g.getNode(a + 1)).setNode(a + 1, first);
                yield base.toBuilder().setGraph(g).build().toByteArray();
            }
        };
    }
}

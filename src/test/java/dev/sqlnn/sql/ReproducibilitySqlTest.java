package dev.sqlnn.sql;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's promise: the same data, options and seed give the same model, bit for bit, whatever
 * the number of threads and whatever the width of the Vector API's vectors (128, 256 or 512 bits).
 * Each training runs in a JVM of its own, since the vector width is fixed when a JVM starts
 * ({@code -XX:MaxVectorSize} narrows it); every JVM reports its kernels, so the test shows that the
 * widths did differ. The scalar kernels (no Vector API) are not in the promise: they round a product
 * and a sum apart where the Vector API fuses them.
 */
class ReproducibilitySqlTest {

    private static final String DATA = "src/main/resources/dev/sqlnn/data/mnist10k-test-";

    @Test
    void sameModelBitForBitOnAnyThreadCountAndVectorWidth() throws Exception {
        Map<String, List<String>> runs = new LinkedHashMap<>();
        runs.put("preferred width, all cores", train(List.of(), 0));
        runs.put("one thread", train(List.of(), 1));
        runs.put("256-bit vectors", train(List.of("-XX:MaxVectorSize=32"), 2));
        runs.put("128-bit vectors", train(List.of("-XX:MaxVectorSize=16"), 2));

        String weights = runs.get("one thread").get(3);
        assertTrue(weights.matches("ok [0-9a-f]{64}"), () -> "the model's SHA-256: " + runs);
        runs.forEach((what, lines) -> assertEquals(weights, lines.get(3), () -> what + ": " + runs));
        assertTrue(runs.get("128-bit vectors").get(0).contains("Vector API, 128-bit"), () -> runs.toString());
        assertTrue(runs.get("256-bit vectors").get(0).matches(".*Vector API, (128|256)-bit.*"), () -> runs.toString());
        assertTrue(runs.get("preferred width, all cores").get(0).contains("Vector API, "), () -> runs.toString());
    }

    /** ML_INFO, the rows imported, the version trained, its blob's SHA-256; threads 0: the default (all cores). */
    private static List<String> train(List<String> jvmOptions, int threads) throws IOException, InterruptedException {
        String options = "{\"hidden\":[256],\"epochs\":2,\"seed\":7" + (threads > 0 ? ",\"threads\":" + threads : "") + "}";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SqlProcess.class.getName(),
                "SELECT ML_INFO()",
                "SELECT ML_IMPORT_IDX('D', '" + DATA + "images-idx3-ubyte.gz', '" + DATA + "labels-idx1-ubyte.gz')",
                "SELECT ML_TRAIN('m', 'SELECT image, label FROM d', '" + options + "')",
                "SELECT RAWTOHEX(HASH('SHA-256', WEIGHTS)) FROM SQLNN.MODELS WHERE NAME = 'm'"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), output);
        List<String> lines = output.lines().filter(l -> l.startsWith("ok ") || l.startsWith("error ")).toList();
        assertEquals(4, lines.size(), output);
        assertTrue(lines.get(1).equals("ok 2000"), output);
        return lines;
    }
}

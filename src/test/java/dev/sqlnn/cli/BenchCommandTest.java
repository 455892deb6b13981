package dev.sqlnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench} keeps working end to end: every phase runs (the kernels, training and scoring the
 * founding network through SQL, the 60,000 images in a file database) and reports every figure. A
 * smoke test with {@code --quick}: it checks that the figures are there and sane, never how fast
 * they are (that is the bench's job, on a quiet machine).
 */
class BenchCommandTest {

    @Test
    void aQuickBenchReportsEveryFigure(@TempDir Path directory) throws IOException {
        Path json = directory.resolve("bench.json");
        CliRun run = CliRun.of("bench", "--quick", "--epochs", "1", "--threads", "2", "--json", json.toString());
        assertEquals(0, run.exitCode(), run::toString);

        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, results.get("threads").asInt());
        assertPositive(results, "fma_peak_gflops_1_thread");
        assertPositive(results, "fma_peak_gflops");
        List<String> shapes = List.of("64x1024x784:NN", "64x512x1024:NN", "784x1024x64:TN", "1024x512x64:TN", "64x1024x512:NT");
        for (String shape : shapes) {
            assertPositive(results.get("gemm_gflops").get(shape), "threads_1");
            assertPositive(results.get("gemm_gflops").get(shape), "threads_2");
        }

        JsonNode training = results.get("training");
        assertPositive(training.get("epoch_1"), "rows_per_second");
        assertPositive(training.get("epoch_1"), "seconds");
        assertEquals(training.get("epoch_1").get("rows_per_second").asDouble(), training.get("best_rows_per_second").asDouble());
        double accuracy = training.get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.85 && accuracy <= 1, "one epoch of 784-1024-512-10 on 7,200 digits: accuracy " + accuracy);
        assertPositive(results, "predict_rows_per_second");
        assertPositive(results, "ml_predict_rows_per_second");
        assertPositive(results, "ml_predict_1_client_rows_per_second");
        assertPositive(results, "ml_predict_4_clients_rows_per_second");

        JsonNode large = results.get("training_60k");
        assertPositive(large, "rows_per_second");
        assertPositive(large, "seconds_per_epoch");
        double validation = large.get("validation_accuracy").asDouble();
        assertTrue(validation > 0.85 && validation <= 1, "one epoch on the 60,000 images: validation accuracy " + validation);
        long heap = large.get("peak_heap_mb").asLong();
        assertTrue(heap > 47 && heap <= large.get("max_heap_mb").asLong(),
                "the peak heap holds at least the 47 MB of rows, within -Xmx: " + heap + " MB");
    }

    private static void assertPositive(JsonNode node, String field) {
        assertTrue(node != null && node.has(field), () -> "no " + field + " in " + node);
        double value = node.get(field).asDouble();
        assertTrue(value > 0 && Double.isFinite(value), () -> field + " is " + value);
    }
}

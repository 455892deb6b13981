package dev.sqlnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sqlnn demo} end to end on an H2 file database: loads the bundled digits, trains the founding
 * network through ML_TRAIN (one epoch here, to keep the suite fast), prints the epoch table, the test
 * accuracy and ten digits with their predicted and true labels.
 */
class DemoCommandTest {

    @Test
    void demoTrainsThroughSqlAndShowsTenDigits(@TempDir Path dir) {
        String url = "jdbc:h2:" + dir.resolve("demo").toAbsolutePath();
        CliRun run = CliRun.of("demo", "--url", url, "--epochs", "1");
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("Loaded 8,000 training and 2,000 test digits"), out);
        assertTrue(out.matches("(?s).*\\n\\s+1\\s+\\d+\\.\\d{4}\\s+\\d+\\.\\d{4}\\s+\\d+\\.\\d{2}%.*"), "epoch line: " + out);
        Matcher accuracy = Pattern.compile("Test accuracy: (\\d+\\.\\d+)%").matcher(out);
        assertTrue(accuracy.find(), out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 85, "one epoch of 784-1024-512-10 scores about 90%: " + out);
        assertEquals(10, Pattern.compile("predicted \\d, true \\d").matcher(out).results().count(), out);
    }
}

package dev.sqlnn.simd;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels are chosen once per JVM, so each choice is checked in a child JVM: sqlnn must work,
 * on the scalar kernels, when the Vector API module is absent or switched off, and say which
 * kernels it uses through {@code ML_INFO()}.
 */
class KernelChoiceTest {

    @Test
    void vectorApiWhenTheModuleIsAdded() throws Exception {
        String info = mlInfo("--add-modules", "jdk.incubator.vector");
        assertTrue(info.contains("kernels: Vector API"), info);
        assertFalse(info.contains("using Vector API"), "the command line logs warnings only: " + info);
    }

    @Test
    void scalarWithoutTheModule() throws Exception {
        String info = mlInfo();
        assertTrue(info.contains("kernels: scalar"), info);
        assertEquals(1, info.split("jdk.incubator.vector is not readable", -1).length - 1, "warned once: " + info);
    }

    @Test
    void scalarWhenSwitchedOff() throws Exception {
        String info = mlInfo("--add-modules", "jdk.incubator.vector", "-Dsqlnn.vector=false");
        assertTrue(info.contains("kernels: scalar"), info);
    }

    /** Runs {@code sqlnn info} on an in-memory database in a child JVM with the given JVM options. */
    private static String mlInfo(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sqlnn.cli.Main",
                "info", "--url", "jdbc:h2:mem:kernel-choice"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sqlnn info did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}

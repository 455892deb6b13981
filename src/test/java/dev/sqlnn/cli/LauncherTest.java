package dev.sqlnn.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fat jar's entry point: on an older Java it names the version sqlnn needs; on this one it runs sqlnn. */
class LauncherTest {

    @Test
    void anOlderJavaIsToldWhichVersionSqlnnNeeds() throws Exception {
        Path old = olderJava();
        assumeTrue(old != null, "no Java older than 21 under /usr/lib/jvm");
        Run run = run(old, "--version");
        assertEquals(1, run.code(), run.output());
        assertTrue(run.output().contains("sqlnn needs Java 21 or newer"), run.output());
        assertTrue(run.output().contains("Run bin/sqlnn"), run.output());
        assertTrue(!run.output().contains("UnsupportedClassVersionError"), run.output());
    }

    @Test
    void thisJavaRunsSqlnn() throws Exception {
        Run run = run(Path.of(System.getProperty("java.home"), "bin", "java"), "--version");
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("sqlnn"), run.output());
    }

    private record Run(int code, String output) {
    }

    private static Run run(Path javaBin, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(javaBin.toString(), "-cp",
                Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                        + Files.readString(Path.of("target", "classpath", "runtime.txt")).trim(),
                "dev.sqlnn.cli.Launcher"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        return new Run(p.exitValue(), output);
    }

    /** A JDK or JRE older than 21 on this machine (Debian's default is 17), or null. */
    private static Path olderJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return null;
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path bin = home.resolve("bin").resolve("java");
                Path release = home.resolve("release");
                if (!Files.isExecutable(bin) || !Files.exists(release)) continue;
                var version = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                if (version.find() && Integer.parseInt(version.group(1)) < 21) return bin;
            }
        }
        return null;
    }
}

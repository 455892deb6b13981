package dev.sqlnn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chromium without a screen, to look at a page as a browser renders it: each run gets a fresh
 * profile and every background network feature off, so that it reads only the file it is given.
 */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Path profiles;

    HeadlessChromium(Path profiles) {
        this.profiles = profiles;
    }

    /** Fails when Chromium is missing under CI ({@code CI} set to anything), else skips the test with a message. */
    static void require() {
        if (Files.isExecutable(BINARY)) return;
        String message = BINARY + " is missing: install the Debian package chromium (.ci/run does)";
        if (dev.sqlnn.Ci.active()) fail(message);
        assumeTrue(false, message + "; skipping the rendering check");
    }

    /** Renders {@code page} in a 1280×2000 window and saves what it shows as a PNG. */
    void screenshot(Path page, Path png) throws IOException, InterruptedException {
        screenshot(page.toAbsolutePath().toUri().toString(), png, "1280,2000");
    }

    /** Renders the page at {@code url} in a window of {@code size} ("width,height") and saves it as a PNG. */
    void screenshot(String url, Path png, String size) throws IOException, InterruptedException {
        run(url, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + size);
        if (!Files.isRegularFile(png)) fail("chromium wrote no screenshot to " + png);
    }

    /** The page's DOM after Chromium parsed and laid it out. */
    String dumpDom(Path page) throws IOException, InterruptedException {
        return dumpDom(page.toAbsolutePath().toUri().toString());
    }

    /** The DOM of the page at {@code url} (a file, or a server on this machine). */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(url, "--dump-dom");
    }

    private String run(String url, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--user-data-dir=" + Files.createTempDirectory(profiles, "chromium-profile")));
        command.addAll(List.of(extra));
        command.add(url);
        Path stderr = Files.createTempFile(profiles, "chromium", ".log");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes(); // drained before waiting: the DOM can fill a pipe
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 120 s; its log: " + Files.readString(stderr));
        }
        if (p.exitValue() != 0) fail("chromium exited with " + p.exitValue() + "; its log: " + Files.readString(stderr));
        return new String(out, StandardCharsets.UTF_8);
    }
}

package com.example.digits;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md's "Embed sqlnn" section shows code that is compiled here: the Java of
 * {@link EmbedSnippets} and this example's dependency on sqlnn in pom.xml. Each block between the
 * markers {@code README:begin} and {@code README:end} must appear in README.md verbatim, less the
 * indentation its place in the file gives it; so a change to either side fails the build until the
 * other follows.
 */
class ReadmeSnippetsTest {

    /** The repository's README.md; the root build passes its path, run alone the example finds it two folders up. */
    private static final Path README = Path.of(System.getProperty("sqlnn.readme", "../../README.md"));

    @Test
    void readmeShowsTheCompiledJava() throws IOException {
        List<String> blocks = blocks(Path.of("src/test/java/com/example/digits/EmbedSnippets.java"), "// ");
        assertEquals(3, blocks.size(), "blocks in EmbedSnippets.java (install, jdbc, jooq)");
        assertShown(blocks);
    }

    @Test
    void readmeShowsThisExamplesDependency() throws IOException {
        List<String> blocks = blocks(Path.of("pom.xml"), "<!-- ");
        assertEquals(1, blocks.size(), "blocks in pom.xml (the dependency on sqlnn)");
        assertShown(blocks);
    }

    private static void assertShown(List<String> blocks) throws IOException {
        String readme = Files.readString(README);
        for (String block : blocks) {
            assertTrue(readme.contains(block), () -> README.toAbsolutePath().normalize()
                    + " should show this block verbatim, as the compiled code has it:\n" + block);
        }
    }

    /** The text between each line {@code <comment>README:begin NAME} and the next {@code <comment>README:end}, dedented. */
    static List<String> blocks(Path file, String comment) throws IOException {
        List<String> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : Files.readAllLines(file)) {
            String marker = line.strip();
            if (marker.startsWith(comment + "README:begin")) {
                block = new ArrayList<>();
            } else if (marker.startsWith(comment + "README:end")) {
                assertTrue(block != null && !block.isEmpty(), file + ": README:end without a block before it");
                blocks.add(dedent(block));
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        assertTrue(block == null, file + ": README:begin without README:end");
        return blocks;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : lines) text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        return text.toString();
    }
}

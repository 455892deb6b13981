package dev.sqlnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens the files an import reads, with messages that say which file and what is wrong with it. */
final class ImportFiles {

    private ImportFiles() {
    }

    /**
     * Opens {@code path} for reading.
     *
     * @param what the file's role in the message, e.g. {@code "images"}
     * @throws IOException whose message names the role, the path and the problem
     */
    static InputStream open(Path path, String what) throws IOException {
        if (path == null) throw new IOException("no " + what + " file given");
        if (Files.isDirectory(path)) {
            throw new IOException("the " + what + " file " + path.toAbsolutePath() + " is a directory, not a file");
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new IOException("the " + what + " file " + path.toAbsolutePath() + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IOException("the " + what + " file " + path.toAbsolutePath()
                    + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new IOException("the " + what + " file " + path.toAbsolutePath() + " cannot be read: " + e, e);
        }
    }

    /** Wraps an I/O failure while reading an open file, naming the file. */
    static IOException readFailure(Path path, String what, IOException e) {
        return new IOException("reading the " + what + " file " + path.toAbsolutePath() + " failed: "
                + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
    }
}

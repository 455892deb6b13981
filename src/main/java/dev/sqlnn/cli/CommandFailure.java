package dev.sqlnn.cli;

/** A command's own refusal (a file that is missing, options that do not go together): printed as it is. */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message) {
        super(message);
    }
}

package dev.sqlnn.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --url} option of the commands that work on one database, {@link Database#DEFAULT_URL}
 * unless told otherwise; a picocli mixin ({@code @Mixin DatabaseOptions database}), declared once so
 * that every such command names, describes and defaults it alike. {@code demo} (its own database) and
 * {@code load} (a server's URL, required) declare theirs.
 */
final class DatabaseOptions {

    @Option(names = "--url", description = "JDBC URL (default: ${DEFAULT-VALUE})", defaultValue = Database.DEFAULT_URL)
    String url;
}

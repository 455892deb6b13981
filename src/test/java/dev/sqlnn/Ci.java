package dev.sqlnn;

/**
 * Whether the tests run under CI: the {@code CI} environment variable set to any non-empty value (CI
 * services set {@code true}, some {@code 1}; {@code .ci/run} sets it). Under CI a missing server or
 * program is a failure; elsewhere the tests that need it are skipped with a message.
 */
public final class Ci {

    private Ci() {
    }

    public static boolean active() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank();
    }
}

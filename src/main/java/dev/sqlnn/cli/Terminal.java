package dev.sqlnn.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the output goes to a terminal, where a progress bar may redraw itself. */
final class Terminal {

    private Terminal() {
    }

    /**
     * True when standard input and output are a terminal. From Java 22 {@code System.console()} exists
     * even when the output is redirected, and {@code Console.isTerminal()} tells; on Java 21 a console
     * exists only on a terminal. {@code SQLNN_PROGRESS=plain} turns the live bar off.
     */
    static boolean isTerminal() {
        if ("plain".equalsIgnoreCase(System.getenv("SQLNN_PROGRESS"))) return false;
        Console console = System.console();
        if (console == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}

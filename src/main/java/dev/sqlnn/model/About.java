package dev.sqlnn.model;

import dev.sqlnn.nn.Engine;

/** What sqlnn is and what computes here: its version, and {@code ML_INFO()}'s one line. */
public final class About {

    /** Keep in step with the version in pom.xml. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private About() {
    }

    /** sqlnn's version, the active kernels and the threads it computes on; e.g. for {@code ML_INFO()}. */
    public static String describe() {
        return "sqlnn " + VERSION + "; kernels: " + Engine.describe() + "; Java " + Runtime.version().feature();
    }
}

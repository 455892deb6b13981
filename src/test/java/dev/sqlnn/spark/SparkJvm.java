package dev.sqlnn.spark;

import java.util.ArrayList;
import java.util.List;

/** What a JVM that runs Spark needs on this JDK, taken from this test JVM's own options (the pom's spark.jvm.options). */
public final class SparkJvm {

    private SparkJvm() {
    }

    /** Spark's --add-opens, Netty and memory-access options, without the Vector API module. */
    public static List<String> options() {
        List<String> options = new ArrayList<>();
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Dio.netty") || arg.startsWith("--sun-misc")
                    || arg.startsWith("--enable-native-access")) {
                options.add(arg);
            }
        }
        return options;
    }
}

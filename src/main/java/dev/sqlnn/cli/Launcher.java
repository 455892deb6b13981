package dev.sqlnn.cli;

/**
 * The fat jar's entry point, compiled for Java 8 so that {@code java -jar sqlnn-all.jar} on an older
 * Java says which version sqlnn needs, instead of failing with {@code UnsupportedClassVersionError};
 * on Java 21 or newer it hands over to {@link Main}.
 */
public final class Launcher {

    static final int REQUIRED = 21;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version");
        int major = version.startsWith("1.") ? Integer.parseInt(version.substring(2)) : Integer.parseInt(version);
        if (major < REQUIRED) {
            System.err.println("sqlnn needs Java " + REQUIRED + " or newer (it computes with the Vector API); this is Java "
                    + version + " (" + System.getProperty("java.home") + "). Run bin/sqlnn, which finds a JDK >= "
                    + REQUIRED + " under /usr/lib/jvm or JAVA_HOME, or start this jar with one: "
                    + "/path/to/jdk-21+/bin/java --add-modules jdk.incubator.vector -jar sqlnn-all.jar");
            System.exit(1);
        }
        try {
            Class.forName("dev.sqlnn.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

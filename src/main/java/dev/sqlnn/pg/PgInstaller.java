package dev.sqlnn.pg;

import dev.sqlnn.model.About;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Loads sqlnn into a PostgreSQL server that has PL/Java, so that its functions run inside the
 * server: sets the database's PL/Java settings where they are missing, creates the extension, loads
 * sqlnn's jar and the jars it needs at run time with {@code sqlj.install_jar} from their bytes (the
 * server needs no access to this machine's files), sets schema {@code sqlnn}'s class path, and
 * creates the functions ({@code functions.sql}). Idempotent: what is loaded carries the hash of the
 * jars, and the same jars are not loaded again; other jars replace them. Needs a superuser.
 */
public final class PgInstaller {

    /** What an install found or did. */
    public enum Outcome { INSTALLED, UP_TO_DATE, NO_PLJAVA }

    /** System property naming the {@code libjvm.so} the server should load (default: this JVM's). */
    public static final String LIBJVM_PROPERTY = "sqlnn.pljava.libjvm";
    /**
     * The JVM options the backends' JVMs need: Java 24+ runs PL/Java only without a security manager;
     * the Vector API; and no jOOQ banner, which PL/Java would send every caller as an INFO message.
     */
    static final String VM_OPTIONS = "-Djava.security.manager=disallow --add-modules=jdk.incubator.vector"
            + " -Dorg.jooq.no-logo=true -Dorg.jooq.no-tips=true";
    private static final String JAR_PREFIX = "sqlnn";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** A class of each library sqlnn's functions use inside the server; their jars are loaded with sqlnn's. */
    private static final List<String> RUNTIME_CLASSES = List.of("dev.sqlnn.pg.PgFunctions", "org.jooq.impl.DSL",
            "io.r2dbc.spi.ConnectionFactory", "org.reactivestreams.Publisher",
            "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty", "org.h2.Driver", "org.slf4j.LoggerFactory",
            "com.google.protobuf.MessageLite");

    private PgInstaller() {
    }

    /** Whether the server offers PL/Java to {@code CREATE EXTENSION}. */
    public static boolean pljavaAvailable(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pljava'")) {
            return rs.next();
        }
    }

    /**
     * Installs sqlnn's in-server functions on {@code connection}'s database (after its tables are
     * installed), committing as it goes; the connection's autocommit mode is put back.
     *
     * @throws SQLException 42501 when the role is not a superuser and something is to be done
     */
    public static Outcome install(Connection connection) throws SQLException {
        return install(connection, null);
    }

    /**
     * As {@link #install(Connection)}, granting the use of the functions to {@code grantee} (a role
     * name) and not to PUBLIC; null means PUBLIC. The grant is made on every call with a role, so more
     * roles can be given later; give the role again when installing a newer sqlnn.
     */
    public static Outcome install(Connection connection, String grantee) throws SQLException {
        if (!pljavaAvailable(connection)) return Outcome.NO_PLJAVA;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try {
            Outcome outcome = installJars(connection);
            if (outcome == Outcome.INSTALLED || grantee != null) grant(connection, grantee);
            return outcome;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Lets {@code grantee} (null: PUBLIC) call the functions: EXECUTE, USAGE on schema sqlnn, and on
     * sqlj, through which PL/Java resolves the functions' classes. A role named takes PUBLIC's place.
     * What a role may read or write stays the tables' grants.
     */
    private static void grant(Connection connection, String grantee) throws SQLException {
        if (grantee != null) {
            execute(connection, "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA sqlnn FROM PUBLIC");
            execute(connection, "REVOKE USAGE ON SCHEMA sqlnn FROM PUBLIC");
        }
        String to = grantee == null ? "PUBLIC" : quoteIdentifier(grantee);
        execute(connection, "GRANT USAGE ON SCHEMA sqlnn TO " + to);
        execute(connection, "GRANT USAGE ON SCHEMA sqlj TO " + to);
        execute(connection, "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA sqlnn TO " + to);
    }

    private static Outcome installJars(Connection connection) throws SQLException {
        Map<String, byte[]> jars = RuntimeJars.JARS;
        String stamp = RuntimeJars.STAMP;
        if (stamp.equals(installedStamp(connection))) return Outcome.UP_TO_DATE;
        requireSuperuser(connection);
        ensureSettings(connection);
        execute(connection, "CREATE EXTENSION IF NOT EXISTS pljava");
        loadJars(connection, jars);
        try (Statement s = connection.createStatement()) {
            s.execute(functionsSql());
        }
        try (PreparedStatement p = connection.prepareStatement("COMMENT ON FUNCTION sqlnn.ml_info() IS '" + stamp + "'")) {
            p.execute();
        }
        return Outcome.INSTALLED;
    }

    /** The stamp of the sqlnn last loaded into this database, or null. */
    private static String installedStamp(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p"
                     + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'sqlnn' AND p.proname = 'ml_info'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void requireSuperuser(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (rs.next() && rs.getBoolean(1)) return;
        }
        throw new SQLException("sqlnn install: loading sqlnn's functions into PostgreSQL (PL/Java) needs a superuser;"
                + " role " + connection.getMetaData().getUserName() + " is not one. Run the install once as a"
                + " superuser (e.g. bin/sqlnn install --url 'jdbc:postgresql://host/db?user=postgres'); other roles"
                + " then call the functions, and sqlnn keeps working from the client JVM meanwhile",
                INSUFFICIENT_PRIVILEGE);
    }

    /**
     * Sets the database's PL/Java settings that are not set yet, for this session too (the extension
     * reads them when it loads): the JVM to load, its options, and unenforced Java (Java 24+ has no
     * security manager to enforce PL/Java's policy; only superusers create functions in it).
     */
    private static void ensureSettings(Connection connection) throws SQLException {
        String database = currentDatabase(connection);
        setIfMissing(connection, database, "pljava.libjvm_location", libjvm());
        setIfMissing(connection, database, "pljava.vmoptions", VM_OPTIONS);
        setIfMissing(connection, database, "pljava.allow_unenforced", "java,javau");
    }

    private static void setIfMissing(Connection connection, String database, String name, String value)
            throws SQLException {
        String current;
        try (PreparedStatement p = connection.prepareStatement("SELECT current_setting(?, true)")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                current = rs.getString(1);
            }
        }
        if (current != null && !current.isBlank()) return;
        execute(connection, "ALTER DATABASE " + quoteIdentifier(database) + " SET " + name + " = " + quoteLiteral(value));
        execute(connection, "SET " + name + " = " + quoteLiteral(value));
    }

    /** The JVM library for the server to load: the property's, else this JVM's own. */
    static String libjvm() {
        String given = System.getProperty(LIBJVM_PROPERTY);
        if (given != null && !given.isBlank()) return given;
        Path own = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        if (!Files.isRegularFile(own)) {
            throw new IllegalStateException("this JVM has no " + own + " for PostgreSQL to load; give the server's"
                    + " JDK (21 or later) with -D" + LIBJVM_PROPERTY + "=/path/to/lib/server/libjvm.so");
        }
        return own.toString();
    }

    private static String currentDatabase(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Installs or replaces each jar, removes sqlnn's jars of an older install, and sets the class path. */
    private static void loadJars(Connection connection, Map<String, byte[]> jars) throws SQLException {
        Set<String> loaded = new java.util.HashSet<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT jarname FROM sqlj.jar_repository")) {
            while (rs.next()) loaded.add(rs.getString(1));
        }
        for (Map.Entry<String, byte[]> jar : jars.entrySet()) {
            String call = loaded.contains(jar.getKey()) ? "sqlj.replace_jar" : "sqlj.install_jar";
            try (PreparedStatement p = connection.prepareStatement("SELECT " + call + "(?, ?, false)")) {
                p.setBytes(1, jar.getValue());
                p.setString(2, jar.getKey());
                p.execute();
            }
        }
        try (PreparedStatement p = connection.prepareStatement("SELECT sqlj.set_classpath('sqlnn', ?)")) {
            p.setString(1, String.join(":", jars.keySet()));
            p.execute();
        }
        for (String name : loaded) {
            if (name.startsWith(JAR_PREFIX) && !jars.containsKey(name)) {
                try (PreparedStatement p = connection.prepareStatement("SELECT sqlj.remove_jar(?, false)")) {
                    p.setString(1, name);
                    p.execute();
                }
            }
        }
    }

    /**
     * The jars of sqlnn and of the libraries its in-server functions use, by the name they get in the
     * server: sqlnn's fat jar alone when it runs from one, else each library's jar and sqlnn's own
     * classes (a directory, in a build) packed into a jar here.
     */
    private static Map<String, byte[]> runtimeJars() {
        Map<String, byte[]> jars = new LinkedHashMap<>();
        Set<Path> seen = new java.util.HashSet<>();
        for (String className : RUNTIME_CLASSES) {
            Path location = location(className);
            if (!seen.add(location)) continue;
            String name = jars.isEmpty() ? JAR_PREFIX : JAR_PREFIX + "_" + jarName(location);
            jars.put(name, Files.isDirectory(location) ? packed(location) : read(location));
        }
        return jars;
    }

    private static Path location(String className) {
        try {
            CodeSource source = Class.forName(className, false, PgInstaller.class.getClassLoader())
                    .getProtectionDomain().getCodeSource();
            return Path.of(source.getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot find the jar of " + className + " to load into PostgreSQL", e);
        }
    }

    private static String jarName(Path jar) {
        String file = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        return file.replaceAll("[^A-Za-z0-9_]", "_");
    }

    private static byte[] read(Path jar) {
        try {
            return Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory of classes and resources as a jar, its entries in a stable order. */
    private static byte[] packed(Path directory) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(directory)) {
            List<Path> sorted = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
            for (Path file : sorted) {
                ZipEntry entry = new ZipEntry(directory.relativize(file).toString().replace('\\', '/'));
                entry.setTime(0); // the same classes give the same bytes, hence the same stamp
                zip.putNextEntry(entry);
                Files.copy(file, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String digest(Map<String, byte[]> jars) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> jar : jars.entrySet()) {
                sha.update(jar.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(jar.getValue());
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String functionsSql() {
        try (var in = PgInstaller.class.getResourceAsStream("functions.sql")) {
            if (in == null) throw new IllegalStateException("functions.sql is missing from sqlnn's jar");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Read once per JVM: an application installs on every start. */
    private static final class RuntimeJars {
        static final Map<String, byte[]> JARS = runtimeJars();
        /** What the functions' comment records: sqlnn's version and a hash of the jars. */
        static final String STAMP = "sqlnn " + About.VERSION + " " + digest(JARS);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}

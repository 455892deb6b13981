package dev.sqlnn.spark;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers, each its own JVM started from the
 * Maven jars (target/classpath/spark.txt and runtime.txt, which the build writes), whose executors the
 * workers launch as JVMs of their own from a SPARK_HOME whose {@code jars/} links those jars. The
 * executors find sqlnn's classes through {@code spark.executor.extraClassPath}.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final List<Process> processes = new ArrayList<>();
    private final String masterUrl;
    private final int workers;

    private StandaloneCluster(Path home, String masterUrl, int workers) {
        this.home = home;
        this.masterUrl = masterUrl;
        this.workers = workers;
    }

    /** Starts a master and {@code workers} workers of {@code cores} cores each; returns when all have registered. */
    static StandaloneCluster start(int workers, int cores, String workerMemory) throws IOException, InterruptedException {
        Path target = Paths.get("target").toAbsolutePath();
        Path home = target.resolve("spark-home");
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (String jar : classPath(target)) {
            Path link = jars.resolve(Paths.get(jar).getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, Paths.get(jar));
        }
        Path logs = Files.createDirectories(target.resolve("spark-logs"));
        Path masterLog = Files.createTempFile(logs, "master-", ".log");
        List<Process> started = new ArrayList<>();
        try {
            started.add(daemon(home, masterLog, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
            String url = await(masterLog, MASTER_URL, 1).get(0);
            List<Path> workerLogs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Path log = Files.createTempFile(logs, "worker-", ".log");
                workerLogs.add(log);
                started.add(daemon(home, log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores), "--memory", workerMemory,
                        "--work-dir", Files.createTempDirectory(logs, "work-").toString(), url));
            }
            for (Path log : workerLogs) await(log, Pattern.compile("Successfully registered with master"), 1);
            StandaloneCluster cluster = new StandaloneCluster(home, url, workers);
            cluster.processes.addAll(started);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(Process::destroyForcibly);
            throw e;
        }
    }

    /** Spark's jars and sqlnn's runtime jars, as the build listed them. */
    static Set<String> classPath(Path target) throws IOException {
        Set<String> jars = new LinkedHashSet<>();
        for (String file : List.of("spark.txt", "runtime.txt")) {
            Path list = target.resolve("classpath").resolve(file);
            for (String jar : Files.readString(list).trim().split(java.io.File.pathSeparator)) {
                if (!jar.isBlank()) jars.add(jar);
            }
        }
        return jars;
    }

    private static Process daemon(Path home, Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(home.resolve("jars") + "/*");
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_HOME", home.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // Workers start executors with $JAVA_HOME/bin/java: this JDK, which has the Vector API.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    /** What Spark's JVMs need on this JDK, and the Vector API. */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(SparkJvm.options());
        options.add("--add-modules=jdk.incubator.vector");
        return options;
    }

    /** Waits until {@code log} has {@code count} lines matching {@code pattern}; returns their first groups. */
    private static List<String> await(Path log, Pattern pattern, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            List<String> found = new ArrayList<>();
            Matcher m = pattern.matcher(Files.readString(log));
            while (m.find()) found.add(m.groupCount() > 0 ? m.group(1) : m.group());
            if (found.size() >= count) return found;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Spark cluster did not start within " + START_TIMEOUT.toSeconds()
                        + " s; " + log + " says:\n" + Files.readString(log));
            }
            Thread.sleep(100); // another process's log: nothing to wait on but the file
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    /**
     * A driver in this JVM for this cluster, whose executors take {@code executorMemory} and find sqlnn's
     * classes; returns when every worker's executor has registered with it, so that a first job is not
     * all run by the one executor that happened to start first (seen on a loaded machine).
     */
    SparkSession session(String app, String executorMemory) {
        SparkSession session = sessionBuilder(app, executorMemory).getOrCreate();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
        // The status tracker lists the driver too.
        while (session.sparkContext().statusTracker().getExecutorInfos().length < workers + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (session.sparkContext().statusTracker().getExecutorInfos().length
                        - 1) + " of " + workers + " executors registered within 2 minutes; see target/spark-logs");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the executors", e);
            }
        }
        return session;
    }

    private SparkSession.Builder sessionBuilder(String app, String executorMemory) {
        return SparkSession.builder()
                .master(masterUrl)
                .appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executor.memory", executorMemory)
                .config("spark.executor.extraClassPath", Paths.get("target", "classes").toAbsolutePath()
                        + java.io.File.pathSeparator + Paths.get("target", "test-classes").toAbsolutePath())
                .config("spark.sql.shuffle.partitions", "2");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}

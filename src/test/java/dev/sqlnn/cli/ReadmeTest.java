package dev.sqlnn.cli;

import dev.sqlnn.Sqlnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README.md runs as written. Every fenced block of the README is preceded by a comment that says how
 * it is tested, and this test reads them from README.md itself, so that editing the README re-tests it:
 *
 * <ul>
 * <li>{@code <!-- readme: run cli SESSION -->}: a shell block, run line by line by bash, as a user in a
 *     fresh clone would type it, in the session's own directory (which has the clone's {@code src} and
 *     {@code sql}, and a {@code bin/sqlnn} that runs this build's classes); each line must exit with 0.
 *     {@code bin/sqlnn serve} runs in the background until its connection details are printed and
 *     stops (as with Ctrl+C) when the block ends; a line that runs the test command itself is this run.</li>
 * <li>{@code <!-- readme: run sql SESSION [given FIXTURE] -->}: SQL run by {@code bin/sqlnn sql -f} on
 *     the session's default database ({@code jdbc:h2:./sqlnn}), after the fixture.</li>
 * <li>{@code <!-- readme: run psql pljava -->}: SQL run by {@code psql} on a PostgreSQL database with
 *     sqlnn loaded (PL/Java) and the bundled digits imported.</li>
 * <li>{@code <!-- readme: output COMMAND SESSION -->}: the sample output of the first {@code bin/sqlnn
 *     COMMAND} line of that session: each line of the sample (but {@code ...}) must be a line of what
 *     the command printed, timings and dates aside. With {@code -Dsqlnn.readme.regenerate=true}
 *     ({@code bin/regenerate-docs}) the samples are rewritten from the run instead, and docs/report.png
 *     is drawn from the report the walk-through wrote.</li>
 * <li>{@code <!-- readme: not run: REASON -->}: a block that is not a command (Java compiled in
 *     examples/, a benchmark), with the reason.</li>
 * </ul>
 *
 * <p>The PostgreSQL blocks run as written too, which needs root (they use {@code runuser -u postgres})
 * and PostgreSQL 15: they create the README's role {@code sqlnn_user} and database {@code sqlnn_digits},
 * which this test drops before and after.
 */
class ReadmeTest {

    static final Path README = Path.of("README.md");
    private static final boolean REGENERATE = Boolean.getBoolean("sqlnn.readme.regenerate");
    private static final Pattern TAG = Pattern.compile("<!-- readme: (.*?) -->");
    private static final Pattern ASSIGNMENT = Pattern.compile("(export +)?[A-Za-z_]\\w*=('[^']*'|\"[^\"]*\"|[^\\s'\"]*)\\s*(#.*)?");
    private static final Set<String> KINDS = Set.of("run", "output", "not");

    /** A fenced block: the line of its opening fence (from 1), its tag, and its text. */
    record Block(int line, String tag, String text) {
        String[] words() {
            return tag.split(" +");
        }

        String session() {
            return words()[2];
        }
    }

    /** The sessions' links to the project's src and sql, removed after each test (JUnit would warn at them). */
    private final List<Path> links = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void removeLinks() throws IOException {
        for (Path link : links) Files.deleteIfExists(link);
    }

    // ---------------------------------------------------------------- the blocks

    static List<Block> blocks() throws IOException {
        List<String> lines = Files.readAllLines(README);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("```")) continue;
            int open = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) text.append(lines.get(i)).append('\n');
            int before = open - 1;
            while (before >= 0 && lines.get(before).isBlank()) before--;
            Matcher tag = before >= 0 ? TAG.matcher(lines.get(before).strip()) : null;
            blocks.add(new Block(open + 1, tag != null && tag.matches() ? tag.group(1) : null, text.toString()));
        }
        return blocks;
    }

    private static List<Block> tagged(String prefix) throws IOException {
        return blocks().stream().filter(b -> b.tag() != null && b.tag().startsWith(prefix)).toList();
    }

    @Test
    void everyBlockSaysHowItIsTested() throws IOException {
        List<Block> blocks = blocks();
        assertTrue(blocks.size() > 20, "README.md's fenced blocks: " + blocks.size());
        for (Block b : blocks) {
            assertTrue(b.tag() != null, () -> "README.md line " + b.line() + ": a block without a <!-- readme: ... -->"
                    + " comment before it that says how it is tested:\n" + b.text());
            assertTrue(KINDS.contains(b.words()[0]), () -> "README.md line " + b.line() + ": unknown kind in " + b.tag());
            if (b.tag().startsWith("not")) {
                assertTrue(b.tag().matches("not run: .{10,}"), () -> "README.md line " + b.line() + ": say why: " + b.tag());
            }
        }
    }

    /** Every {@code bin/sqlnn} line of every shell block, run or not, is a command line that sqlnn accepts. */
    @Test
    void everyCommandLineShownParses() throws IOException {
        for (Block b : blocks()) {
            for (String line : commands(b.text())) {
                Matcher sqlnn = Pattern.compile("(?:^|\\s)bin/sqlnn (.*?)(?: &)?$").matcher(line);
                if (!sqlnn.find()) continue;
                List<String> args = new ArrayList<>(Shell.words(sqlnn.group(1).replace("\"$PG\"", "jdbc:postgresql://h/d")
                        .replace("$D/", "d/")));
                if (!args.isEmpty() && args.getLast().equals("&")) args.removeLast(); // run in the background
                picocli.CommandLine cli = new picocli.CommandLine(new Main());
                try {
                    cli.parseArgs(args.toArray(String[]::new));
                } catch (picocli.CommandLine.ParameterException e) {
                    fail("README.md line " + b.line() + ": " + e.getMessage() + "\n" + line);
                }
            }
        }
    }

    // ---------------------------------------------------------------- H2

    /**
     * The walk-through on H2, in README order: the command line from import to serve and psql, the SQL
     * blocks that follow it on the same database, then the sample outputs against what the commands printed.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void theH2WalkThroughRunsAsWritten(@TempDir Path dir) throws Exception {
        Session session = new Session(dir);
        runSession("h2", session);
        Map<String, String> outputs = session.outputs;
        for (Block sample : tagged("output ")) {
            if (!sample.session().equals("h2")) continue;
            String command = sample.words()[1];
            String printed = outputs.get(command);
            assertTrue(printed != null, () -> "README.md line " + sample.line() + ": no bin/sqlnn " + command + " ran in " + sample.tag());
            Samples.check(sample, printed);
        }
        Path report = dir.resolve("report.html");
        assertTrue(Files.isRegularFile(report), "step 6 wrote report.html");
        if (REGENERATE) {
            HeadlessChromium.require();
            new HeadlessChromium(dir).screenshot(report, Path.of("docs", "report.png"));
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void theOtherH2BlocksRunAsWritten(@TempDir Path dir) throws Exception {
        Map<String, Session> sessions = new LinkedHashMap<>();
        for (Block b : tagged("run ")) {
            String name = b.session();
            if (name.equals("h2") || b.words()[1].equals("psql") || name.startsWith("pg")) continue;
            Session session = sessions.computeIfAbsent(name, n -> new Session(mkdir(dir.resolve(n))));
            session.run(b);
        }
        assertTrue(sessions.keySet().containsAll(List.of("demo", "sql", "import", "onnx", "score", "rights")), sessions.keySet().toString());
        String onnx = sessions.get("onnx").sqlnn("sql", "-c", "SELECT COUNT(*), SUM(CASE WHEN DEPLOYED THEN VERSION END)"
                + " FROM SQLNN.MODELS WHERE NAME = 'mnist_onnx'");
        assertTrue(onnx.matches("(?s).*\\n +2 \\| +1\\n.*"), "two imported versions, the first deployed:\n" + onnx);
        String copy = sessions.get("onnx").sqlnn("sql", "-c", "SELECT COUNT(*) FROM SQLNN.MODELS c JOIN SQLNN.MODELS o"
                + " ON o.NAME = 'mnist_onnx' AND o.VERSION = 1 AND c.LAYERS = o.LAYERS AND c.CLASSES = o.CLASSES"
                + " WHERE c.NAME = 'mnist_copy'");
        assertTrue(copy.matches("(?s).*\\n +1\\n.*"), "ML_EXPORT's file imported back as mnist_copy:\n" + copy);
        // the demo: the founding network trained through ML_TRAIN, then scored on the test digits
        String demo = sessions.get("demo").outputs.get("demo");
        assertTrue(demo.contains("Loaded 8,000 training and 2,000 test digits"), demo);
        Matcher accuracy = Pattern.compile("Test accuracy: (\\d+\\.\\d+)%").matcher(demo);
        assertTrue(accuracy.find() && Double.parseDouble(accuracy.group(1)) > 93, demo);
        assertEquals(10, Pattern.compile("predicted \\d, true \\d").matcher(demo).results().count(), demo);
        Session sql = sessions.get("sql");
        // sql/quickstart.sql leaves version 1 of digits_mlp deployed (version 2 dropped), scoring well
        String left = sql.sqlnn("sql", "--url", "jdbc:h2:./quickstart", "-c", "SELECT COUNT(*) AS n, MAX(version) AS v,"
                + " (SELECT AVG(CASE WHEN PREDICT('digits_mlp', image) = label THEN 1.0 ELSE 0 END) FROM digits_test) AS acc"
                + " FROM SQLNN.MODELS WHERE name = 'digits_mlp' AND deployed");
        Matcher row = Pattern.compile("\\n +1 \\| +1 \\| +0\\.(\\d+)\\n").matcher(left);
        assertTrue(row.find(), left);
        assertTrue(Double.parseDouble("0." + row.group(1)) > 0.93, left);
    }

    private void runSession(String name, Session session) throws Exception {
        for (Block b : tagged("run ")) {
            if (b.session().equals(name)) session.run(b);
        }
    }

    // ---------------------------------------------------------------- PostgreSQL

    /**
     * The PostgreSQL command-line block, on a fresh role and database that the block itself creates as
     * PostgreSQL's superuser, then "Testing on PostgreSQL" (all but the test command: that is this run).
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void thePostgresBlocksRunAsWritten(@TempDir Path dir) throws Exception {
        requireRootAndPostgres();
        Session session = new Session(dir);
        dropReadmeRoleAndDatabase(session);
        try {
            for (Block b : tagged("run cli pg")) session.run(b);
        } finally {
            dropReadmeRoleAndDatabase(session);
        }
        assertTrue(session.outputs.containsKey("models"), session.outputs.keySet().toString());
        assertTrue(Files.isRegularFile(dir.resolve("sqlnn.mv.db")), "models copy made the H2 database");
    }

    /** The psql blocks of "Inside PostgreSQL", on a database with sqlnn loaded and the digits imported. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void thePlJavaBlocksRunInPsqlAsWritten(@TempDir Path dir) throws Exception {
        String admin = System.getenv("SQLNN_TEST_PLJAVA_URL");
        if (admin == null || admin.isBlank()) {
            String message = "SQLNN_TEST_PLJAVA_URL is not set: the README's psql blocks need PostgreSQL with PL/Java";
            if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) fail(message);
            assumeTrue(false, message);
        }
        String name = "sqlnn_readme_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = admin.replaceFirst("(jdbc:postgresql://[^/?]*/)[^?]*", "$1" + name);
        try {
            PGSimpleDataSource source = new PGSimpleDataSource();
            source.setURL(url);
            Sqlnn.installInServer(source);
            Session session = new Session(dir);
            session.importDigits(url);
            for (Block b : tagged("run psql pljava")) {
                Path file = dir.resolve("block-" + b.line() + ".sql");
                Files.writeString(file, b.text());
                String out = session.bash("psql -X -q -v ON_ERROR_STOP=1 -f " + file + " '" + conninfo(url) + "'", null);
                assertTrue(out.contains("accuracy"), () -> "README.md line " + b.line() + ": ml_evaluate's rows:\n" + out);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    private static String conninfo(String jdbc) {
        Matcher m = Pattern.compile("jdbc:postgresql://([^/?]*)/([^?]*)\\?(.*)").matcher(jdbc);
        assertTrue(m.matches(), jdbc);
        StringBuilder info = new StringBuilder("postgresql://" + m.group(1) + "/" + m.group(2) + "?");
        for (String pair : m.group(3).split("&")) {
            if (pair.startsWith("user=") || pair.startsWith("password=")) info.append(pair).append('&');
        }
        return info.toString();
    }

    private static void requireRootAndPostgres() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean postgres = Files.isExecutable(Path.of("/usr/bin/pg_ctlcluster")) && Files.isExecutable(Path.of("/usr/bin/psql"));
        if (root && postgres) return;
        String message = "the README's PostgreSQL blocks run as written need root (runuser -u postgres) and PostgreSQL 15";
        if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) fail(message + "; .ci/run runs as root");
        assumeTrue(false, message + "; skipping");
    }

    private static void dropReadmeRoleAndDatabase(Session session) throws Exception {
        session.bash("runuser -u postgres -- psql -X -q -c 'DROP DATABASE IF EXISTS sqlnn_digits WITH (FORCE)'"
                + " -c 'DROP ROLE IF EXISTS sqlnn_user'", null);
    }

    // ---------------------------------------------------------------- running

    /** The logical lines of a shell block: continuations joined, comments and blank lines left out. */
    static List<String> commands(String text) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (current.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) continue;
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            commands.add(current.toString().strip());
            current.setLength(0);
        }
        return commands;
    }

    private static Path mkdir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A directory that looks like a fresh clone to the README's commands (its {@code src} and {@code sql},
     * and a {@code bin/sqlnn} that runs the classes under test), the shell variables its blocks set, and
     * what each {@code bin/sqlnn} command printed first.
     */
    final class Session {
        final Path dir;
        final StringBuilder prelude = new StringBuilder("set -eo pipefail\n");
        final Map<String, String> outputs = new LinkedHashMap<>();
        private final List<Process> background = new ArrayList<>();

        Session(Path dir) {
            this.dir = dir;
            try {
                Path project = Path.of("").toAbsolutePath();
                for (String linked : List.of("src", "sql")) {
                    links.add(Files.createSymbolicLink(dir.resolve(linked), project.resolve(linked)));
                }
                Path bin = Files.createDirectories(dir.resolve("bin"));
                Path sqlnn = bin.resolve("sqlnn");
                Files.writeString(sqlnn, "#!/usr/bin/env bash\n# bin/sqlnn of this build, for README.md's commands\nexec '"
                        + Path.of(System.getProperty("java.home"), "bin", "java") + "' --add-modules jdk.incubator.vector"
                        + sparkOptions() + " ${SQLNN_JAVA_OPTS:--Xmx1g} -cp '" + System.getProperty("java.class.path") + "' dev.sqlnn.cli.Main \"$@\"\n");
                sqlnn.toFile().setExecutable(true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The options Spark needs on this JDK (bin/sqlnn spark passes them too). */
        private static String sparkOptions() {
            return " " + String.join(" ", dev.sqlnn.spark.SparkJvm.options());
        }

        void run(Block b) throws Exception {
            String[] words = b.words();
            if (words[1].equals("sql")) {
                String url = Database.DEFAULT_URL;
                for (int i = 3; i + 1 < words.length; i += 2) {
                    if (words[i].equals("given")) Fixtures.make(words[i + 1], this);
                    else if (words[i].equals("url")) url = words[i + 1];
                    else fail("README.md line " + b.line() + ": " + b.tag());
                }
                Path file = dir.resolve("block-" + b.line() + ".sql");
                Files.writeString(file, b.text());
                bash("bin/sqlnn sql --url '" + url + "' --limit 5 -f " + file.getFileName(), b);
                return;
            }
            assertEquals("cli", words[1], () -> "README.md line " + b.line() + ": " + b.tag());
            try {
                for (String line : commands(b.text())) line(line, b);
            } finally {
                stopBackground();
            }
        }

        private void line(String line, Block b) throws Exception {
            if (ASSIGNMENT.matcher(line).matches()) {
                bash(line, b);
                prelude.append(line).append('\n');
                return;
            }
            if (line.matches("bin/with-jdk mvn .*verify.*")) {
                // the test command: this very run (.ci/run runs it), not to be started from inside itself
                assertTrue(Files.readString(Path.of(".ci", "run")).contains("bin/with-jdk mvn -B -ntp verify"), ".ci/run");
                return;
            }
            if (line.startsWith("bin/sqlnn serve ")) {
                serve(line.replaceFirst("\\s*&(\\s+#.*)?$", ""), b);
                return;
            }
            String out = bash(line, b);
            Matcher command = Pattern.compile("^bin/sqlnn (\\w+)").matcher(line);
            if (command.find()) outputs.putIfAbsent(command.group(1), out);
        }

        /** Runs {@code serve} until it has printed how to connect; it stops when the block ends. */
        private void serve(String line, Block b) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", prelude + "exec " + line).directory(dir.toFile())
                    .redirectErrorStream(true);
            Process p = pb.start();
            background.add(p);
            BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder printed = new StringBuilder();
            for (String out = reader.readLine(); out != null; out = reader.readLine()) {
                printed.append(out).append('\n');
                if (out.contains("Stop with Ctrl+C.")) {
                    outputs.putIfAbsent("serve", printed.toString());
                    return;
                }
            }
            fail("README.md line " + b.line() + ": serve ended before it served:\n" + line + "\n" + printed);
        }

        private void stopBackground() throws InterruptedException {
            for (Process p : background) {
                p.destroy(); // SIGTERM, as Ctrl+C: serve's shutdown hook gives sa its password back
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            background.clear();
        }

        /** One line in bash with the block's variables so far; must exit with 0. Returns its standard output. */
        String bash(String line, Block b) throws IOException, InterruptedException {
            Path err = Files.createTempFile(dir, "stderr", ".txt");
            Process p = new ProcessBuilder("bash", "-c", prelude + line).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(where(b) + "did not finish within 15 minutes:\n" + line);
            }
            String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), () -> where(b) + "failed as written:\n" + line + "\n--- out:\n" + out
                    + "--- err:\n" + stderr);
            return out;
        }

        String sqlnn(String... args) throws IOException, InterruptedException {
            StringBuilder line = new StringBuilder("bin/sqlnn");
            for (String arg : args) line.append(" '").append(arg.replace("'", "'\\''")).append('\'');
            return bash(line.toString(), null);
        }

        void importDigits(String url) throws IOException, InterruptedException {
            String data = "src/main/resources/dev/sqlnn/data/mnist10k-";
            sqlnn("import", "--url", url, "--table", "digits", "--images", data + "train-images-idx3-ubyte.gz",
                    "--labels", data + "train-labels-idx1-ubyte.gz");
            sqlnn("import", "--url", url, "--table", "digits_test", "--images", data + "test-images-idx3-ubyte.gz",
                    "--labels", data + "test-labels-idx1-ubyte.gz");
        }

        private String where(Block b) {
            return b == null ? "" : "README.md line " + b.line() + " (" + b.tag() + "): ";
        }
    }

    /** What a SQL block of the README takes as given, said in the sentence before it. */
    static final class Fixtures {
        static void make(String name, Session session) throws Exception {
            switch (name) {
                case "digits" -> session.importDigits(Database.DEFAULT_URL);
                case "customers" -> session.sqlnn("sql", "-c", "CREATE TABLE customers (customer_id INT PRIMARY KEY,"
                        + " age INT, income DOUBLE PRECISION, score DOUBLE PRECISION, churned INT) AS SELECT X, 20 + MOD(X * 7, 50),"
                        + " 1000 + MOD(X * 13, 900), MOD(X * 31, 100) / 100.0, CASE WHEN MOD(X * 31, 100) > 60 THEN 1 ELSE 0 END"
                        + " FROM SYSTEM_RANGE(1, 400);"
                        + " CREATE TABLE customers_2024 AS SELECT * FROM customers WHERE MOD(customer_id, 4) = 0;"
                        + " SELECT ML_TRAIN('churn', 'SELECT age, income, score, churned FROM customers', '{\"hidden\":[8],\"epochs\":20}');"
                        + " CREATE USER alice PASSWORD 'alice'; CREATE USER loader PASSWORD 'loader'");
                case "iris.csv" -> Files.writeString(session.dir.resolve("iris.csv"), iris());
                // a 784-128-10 MLP built with ONNX's own protobuf classes, as PyTorch would export it
                case "mnist_mlp.onnx" -> Files.write(session.dir.resolve("mnist_mlp.onnx"),
                        dev.sqlnn.model.onnx.MlpGraphs.mnistMlp(7));
                default -> fail("no fixture named " + name);
            }
        }

        /** Three classes of flowers, ten of each, by two made-up measurements apart. */
        private static String iris() {
            StringBuilder csv = new StringBuilder("sepal length,sepal width,species\n");
            String[] species = {"setosa", "versicolor", "virginica"};
            for (int i = 0; i < 30; i++) {
                int s = i % 3;
                csv.append(String.format(Locale.ROOT, "%.1f,%.1f,%s%n", 5.0 + s + (i % 5) * 0.1, 3.4 - s * 0.3 + (i % 4) * 0.1, species[s]));
            }
            return csv.toString();
        }
    }

    /** A command line split as bash splits it: words, with single and double quotes. */
    static final class Shell {
        static List<String> words(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = null;
            char quote = 0;
            for (char ch : line.toCharArray()) {
                if (quote != 0) {
                    if (ch == quote) quote = 0; else word.append(ch);
                } else if (ch == '\'' || ch == '"') {
                    quote = ch;
                    if (word == null) word = new StringBuilder();
                } else if (Character.isWhitespace(ch)) {
                    if (word != null) words.add(word.toString());
                    word = null;
                } else if (ch == '#' && word == null) {
                    break;
                } else {
                    if (word == null) word = new StringBuilder();
                    word.append(ch);
                }
            }
            if (word != null) words.add(word.toString());
            return words;
        }
    }

    /**
     * README's sample outputs against what the commands print. A line is found by its shape (the line
     * with its decimals masked); it must then be the same but for its timings and dates.
     */
    static final class Samples {
        private static final Set<String> VOLATILE_COLUMNS = Set.of("SECONDS", "ROWS_PER_SECOND", "CREATED");

        static void check(Block sample, String printed) throws IOException {
            List<String> actual = printed.lines().toList();
            List<String> shown = sample.text().lines().toList();
            List<String> regenerated = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String line : shown) {
                if (line.strip().equals("...") || line.isBlank()) {
                    regenerated.add(line);
                    continue;
                }
                String key = key(line, shown);
                String found = actual.stream().filter(a -> key(a, actual).equals(key)).findFirst().orElse(null);
                if (found == null) {
                    problems.add("no line like this one: " + line);
                    regenerated.add(line);
                } else {
                    if (!steady(line, shown).equals(steady(found, actual))) problems.add("README: " + line + "\n   run: " + found);
                    regenerated.add(found);
                }
            }
            if (REGENERATE) {
                String readme = Files.readString(README);
                String old = sample.text();
                String fresh = String.join("\n", regenerated) + "\n";
                assertTrue(readme.contains(old), "sample block moved");
                Files.writeString(README, readme.replace(old, fresh));
                return;
            }
            assertTrue(problems.isEmpty(), () -> "README.md line " + sample.line() + " (" + sample.tag()
                    + ") differs from what the command prints now (bin/regenerate-docs rewrites it):\n"
                    + String.join("\n", problems) + "\n--- printed:\n" + printed);
        }

        /** The line with every decimal number and the volatile columns masked: which line it is. */
        static String key(String line, List<String> context) {
            return mask(steady(line, context), "\\d[\\d,]*\\.\\d+|\\d{1,3}(,\\d{3})+");
        }

        /** The line with timings, rates and dates masked, spaces collapsed: what must not change. */
        static String steady(String line, List<String> context) {
            String l = line;
            if (l.contains("|")) {
                List<String> header = header(context);
                String[] cells = l.split("\\|", -1);
                for (int c = 0; c < cells.length; c++) {
                    boolean vol = c < header.size() && VOLATILE_COLUMNS.contains(header.get(c)) && !l.equals(headerLine(context));
                    cells[c] = vol ? "~" : cells[c].strip();
                }
                l = String.join("|", cells);
            }
            l = l.replaceAll("[\\d,]+ rows/s", "~ rows/s").replaceAll("\\d+(\\.\\d+)? s$", "~ s");
            return l.replaceAll("\\s+", " ").strip();
        }

        private static String mask(String line, String regex) {
            return line.replaceAll(regex, "#");
        }

        private static String headerLine(List<String> context) {
            for (int i = 0; i + 1 < context.size(); i++) {
                if (context.get(i).contains("|") && context.get(i + 1).matches("-+(\\+-+)*")) return context.get(i);
            }
            return "";
        }

        private static List<String> header(List<String> context) {
            List<String> names = new ArrayList<>();
            for (String cell : headerLine(context).split("\\|", -1)) names.add(cell.strip());
            return names;
        }
    }

}

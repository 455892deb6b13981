package dev.sqlnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code sqlnn serve} in this JVM on free ports: a model trained through a JDBC TCP connection (by
 * the {@code train} command), then scored by the real {@code psql} through the PostgreSQL protocol.
 */
class ServeCommandTest {

    private static final Path PSQL = Path.of("/usr/bin/psql");

    @TempDir
    Path base;

    @Test
    void psqlRunsPredictOnAModelTrainedOverTcp() throws Exception {
        requirePsql();
        try (Serving serving = Serving.start(base, "--password", "s3cret")) {
            int tcp = serving.tcp;
            int pg = serving.pg;
            StringWriter out = serving.out;
            String printed = out.toString();
            assertTrue(printed.contains("PGPASSWORD='s3cret' psql -h localhost -p " + pg + " -U sa sqlnn"), printed);
            assertTrue(printed.contains("jdbc:h2:tcp://localhost:" + tcp + "/sqlnn"), printed);

            String jdbc = "jdbc:h2:tcp://localhost:" + tcp + "/sqlnn";
            try (Connection c = DriverManager.getConnection(jdbc, "sa", "s3cret"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE PTS AS SELECT X AS ID, CAST(MOD(X, 2) AS INT) AS Y,"
                        + " MOD(X, 2) * 4 - 2 + RAND(3) AS A, RAND() AS B FROM SYSTEM_RANGE(1, 400)");
            }
            CliRun train = CliRun.of("train", "--url", jdbc + ";USER=sa;PASSWORD=s3cret", "--model", "m",
                    "--query", "SELECT a, b, y FROM pts", "--options", "{\"hidden\":[8],\"epochs\":20,\"learning_rate\":0.02}");
            assertEquals(0, train.exitCode(), train::toString);
            assertTrue(train.out().contains("epoch  1/20  train loss ") && train.out().contains("epoch 20/20  train loss "),
                    () -> "every epoch followed through SQLNN.TRAINING_LOG: " + train);

            List<String> lines = psql(pg, "SELECT PREDICT('m', ARRAY[-1.5, 0.5]) AS left_side, PREDICT('m', ARRAY[2.5, 0.5]) AS right_side");
            assertEquals(List.of("0|1"), lines);
            assertEquals(List.of("m|1"), psql(pg, "SELECT name, version FROM sqlnn.models"));
            serving.close();
            assertTrue(out.toString().contains("Stopping."));
        }
    }

    @Test
    void theWebConsoleRunsPredictInAHeadlessBrowser() throws Exception {
        HeadlessChromium.require();
        try (Serving serving = Serving.start(base, "--web", "--web-port", "0", "--password", "s3cret")) {
            int tcp = serving.tcp;
            StringWriter out = serving.out;
            var printed = java.util.regex.Pattern.compile("H2 console \\(a browser\\): (http://localhost:(\\d+)/)").matcher(out.toString());
            assertTrue(printed.find(), out::toString);
            String jdbc = "jdbc:h2:tcp://localhost:" + tcp + "/sqlnn";
            assertTrue(out.toString().contains("log in with JDBC URL " + jdbc + ", user sa, password s3cret"), out::toString);
            try (Connection c = DriverManager.getConnection(jdbc, "sa", "s3cret"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE PTS AS SELECT X AS ID, CAST(MOD(X, 2) AS INT) AS Y,"
                        + " MOD(X, 2) * 4 - 2 + RAND(3) AS A, RAND() AS B FROM SYSTEM_RANGE(1, 400)");
                s.execute("SELECT ML_TRAIN('m', 'SELECT a, b, y FROM pts', '{\"hidden\":[8],\"epochs\":20,\"learning_rate\":0.02}')");
            }
            // The console's login form, as a browser submits it; then a query page, as the browser renders it.
            String console = "http://127.0.0.1:" + printed.group(2);
            var http = java.net.http.HttpClient.newHttpClient();
            String index = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(console + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            var session = java.util.regex.Pattern.compile("jsessionid=([0-9a-f]+)").matcher(index);
            assertTrue(session.find(), index);
            String sid = session.group(1);
            String login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(console + "/login.do?jsessionid="
                    + sid + "&driver=org.h2.Driver&url=" + encode(jdbc) + "&user=sa&password=s3cret")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(login.contains("Wrong user name or password"), login);
            String sql = "SELECT PREDICT('m', ARRAY[-1.5, 0.5]) AS LEFT_SIDE, PREDICT('m', ARRAY[2.5, 0.5]) AS RIGHT_SIDE";
            String page = console + "/query.do?jsessionid=" + sid + "&sql=" + encode(sql);
            HeadlessChromium chromium = new HeadlessChromium(base);
            String dom = chromium.dumpDom(page).replaceAll("\\s+", "");
            // The console's script has turned the headers into sort links: this is the page as the browser shows it.
            assertTrue(dom.matches(".*class=\"resultSet\".*sortHeader.*LEFT_SIDE.*sortHeader.*RIGHT_SIDE.*"
                    + "<tr><td>0</td><td>1</td></tr></tbody></table>\\(1row,.*"), dom);
            chromium.screenshot(page, base.resolve("web-console.png"), "900,260"); // docs/web-console.png is one such

            assertTrue(Files.size(base.resolve("web-console.png")) > 1000, "a picture of the page");
            Files.copy(base.resolve("web-console.png"), java.nio.file.Path.of("target", "web-console.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The demo's database, served by its name (a hyphen in it), twice: each time with a random password
     * for sa, which psql needs, and each time sa gets its empty password back when serve stops, so that
     * the other commands (and H2's tools, with H2's default login) open the database as before.
     */
    @Test
    void theDemosDatabaseServesAndSaHasItsEmptyPasswordBackAfterwards() throws Exception {
        Path demo = base.resolve("sqlnn-demo");
        assertEquals(0, CliRun.of("info", "--url", "jdbc:h2:" + demo).exitCode());
        for (int round = 1; round <= 2; round++) { // a random password each time: the second must get in too
            String password;
            Serving serving = Serving.start(base, "--database", "sqlnn-demo");
            try {
                var printed = java.util.regex.Pattern.compile("jdbc:h2:tcp://localhost:" + serving.tcp
                        + "/sqlnn-demo  user sa, password (\\S+)").matcher(serving.out.toString());
                assertTrue(printed.find(), serving.out::toString);
                password = printed.group(1);
                assertTrue(serving.out.toString().contains("when serve stops, sa gets its empty password back"),
                        serving.out::toString);
                try (Connection c = DriverManager.getConnection("jdbc:h2:tcp://localhost:" + serving.tcp + "/sqlnn-demo",
                        "sa", password)) {
                    assertTrue(c.isValid(5), "sa logs in with the printed password while serving");
                }
            } finally {
                serving.close();
            }
            assertTrue(serving.out.toString().contains("User sa has its empty password again."), serving.out::toString);
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + demo, "sa", "");
                 Statement s = c.createStatement();
                 var users = s.executeQuery("SELECT USER_NAME FROM INFORMATION_SCHEMA.USERS ORDER BY USER_NAME")) {
                List<String> names = new java.util.ArrayList<>();
                while (users.next()) names.add(users.getString(1));
                assertEquals(List.of("SA"), names, "no user left behind");
            }
            final String served = password;
            java.sql.SQLException old = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> DriverManager.getConnection("jdbc:h2:" + demo, "sa", served).close());
            assertEquals("28000", old.getSQLState(), "the serving password is gone");
            CliRun models = CliRun.of("models", "--url", "jdbc:h2:" + demo);
            assertEquals(0, models.exitCode(), models::toString);
        }
    }

    @Test
    void aDatabaseNameWithADirectoryIsRefused() {
        CliRun run = CliRun.of("serve", "--database", "../elsewhere", "--base-dir", base.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--database must be the name of a database file in --base-dir"), run::toString);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void requirePsql() {
        if (Files.isExecutable(PSQL)) return;
        String message = PSQL + " is missing: install the Debian package postgresql-client (.ci/run does)";
        if (dev.sqlnn.Ci.active()) fail(message);
        assumeTrue(false, message + "; skipping the psql test");
    }

    /** Rows of a query run by psql, unaligned with {@code |} between the columns. */
    private static List<String> psql(int port, String sql) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(PSQL.toString(), "-h", "localhost", "-p", Integer.toString(port),
                "-U", "sa", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, "sqlnn").redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", "s3cret");
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("psql did not finish within 60 s: " + sql);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "psql failed on " + sql + ":\n" + output);
        return output.lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * {@code sqlnn serve} running in this JVM on free ports, {@code --base-dir base} and {@code arguments}.
     * Ports are picked free, then bound by serve: another process may take one in between, so a start
     * that fails on a port in use is tried again on others.
     */
    static final class Serving implements AutoCloseable {

        final int tcp;
        final int pg;
        final Output out = new Output();
        final Output err = new Output();
        private final AtomicInteger exit = new AtomicInteger(-1);
        private final Thread thread;

        private Serving(int tcp, int pg, Path base, String... arguments) {
            this.tcp = tcp;
            this.pg = pg;
            List<String> args = new java.util.ArrayList<>(List.of("serve", "--tcp-port", Integer.toString(tcp),
                    "--pg-port", Integer.toString(pg), "--base-dir", base.toString()));
            args.addAll(List.of(arguments));
            thread = new Thread(() -> {
                try {
                    exit.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new)));
                } finally {
                    out.end();
                }
            }, "serve-under-test");
        }

        static Serving start(Path base, String... arguments) throws Exception {
            for (int attempt = 1; ; attempt++) {
                Serving serving = new Serving(freePort(), freePort(), base, arguments);
                serving.thread.start();
                if (serving.out.await("Stop with Ctrl+C.", TimeUnit.SECONDS.toNanos(60))) return serving;
                serving.thread.join(30_000);
                boolean portTaken = serving.err.toString().contains("port may be in use");
                if (!portTaken || attempt == 5) {
                    fail("serve did not start:\n--- out:\n" + serving.out + "--- err:\n" + serving.err);
                }
            }
        }

        /** Stops serve (as Ctrl+C does) and waits for it to end, with exit code 0. */
        @Override
        public void close() throws InterruptedException {
            if (!thread.isAlive() && exit.get() == 0) return;
            thread.interrupt();
            thread.join(30_000);
            assertFalse(thread.isAlive(), "serve did not stop within 30 s");
            assertEquals(0, exit.get(), () -> "serve's exit code; stderr: " + err);
        }
    }

    /** What a command prints, and a wait for a text in it that wakes as the text is written. */
    static final class Output extends StringWriter {

        private boolean ended;

        @Override
        public synchronized void write(int c) {
            super.write(c);
            notifyAll();
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            super.write(buffer, offset, length);
            notifyAll();
        }

        @Override
        public synchronized void write(String text) {
            super.write(text);
            notifyAll();
        }

        @Override
        public synchronized void write(String text, int offset, int length) {
            super.write(text, offset, length);
            notifyAll();
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }

        /** Whether {@code text} was written before the command ended and within {@code nanos}. */
        synchronized boolean await(String text, long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (!toString().contains(text)) {
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

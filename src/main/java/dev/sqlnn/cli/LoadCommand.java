package dev.sqlnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code sqlnn load}: a load test of a running server ({@code sqlnn serve}) from this separate
 * process. For each client count, that many JDBC connections run a single-row query (by default
 * {@code PREDICT} of one random row) back to back for a fixed time, then stop by themselves; it
 * prints throughput, median and 99th-percentile latency, and errors. A benchmark, not a test.
 */
@Command(name = "load", description = "Load-test a server: N clients running single-row PREDICT queries for a fixed time.")
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "JDBC URL of the server, e.g. jdbc:h2:tcp://localhost:9092/sqlnn")
    String url;

    @Option(names = "--user", defaultValue = "sa", description = "User (default: ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--password", defaultValue = "", description = "Password")
    String password;

    @Option(names = "--query", defaultValue = "SELECT PREDICT('digits_mlp', image) FROM digits WHERE id = ?",
            description = "Single-row query with one parameter, the row id (default: ${DEFAULT-VALUE})")
    String query;

    @Option(names = "--rows", defaultValue = "8000", description = "Ids are drawn from 1..rows (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--clients", defaultValue = "1,4,16", split = ",", description = "Client counts (default: ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds per client count (default: ${DEFAULT-VALUE})")
    double seconds;

    @Spec
    CommandSpec spec;

    /** What one client saw: its latencies in nanoseconds and its errors. */
    private record ClientResult(long[] latencies, int count, int errors, String firstError) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Load test of %s: %s%n%n", url, query);
        out.printf("%8s %10s %12s %10s %10s %8s%n", "clients", "queries", "queries/s", "p50 ms", "p99 ms", "errors");
        int totalErrors = 0;
        for (int n : clients) {
            List<ClientResult> results = run(n);
            long[] all = merge(results);
            int errors = results.stream().mapToInt(ClientResult::errors).sum();
            totalErrors += errors;
            out.printf("%8d %10d %12.0f %10.2f %10.2f %8d%n", n, all.length, all.length / seconds,
                    percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, errors);
            results.stream().map(ClientResult::firstError).filter(e -> e != null).findFirst()
                    .ifPresent(e -> out.println("         first error: " + e));
        }
        return totalErrors == 0 ? 0 : 1;
    }

    private List<ClientResult> run(int n) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        ClientResult[] results = new ClientResult[n];
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < n; i++) {
            int client = i;
            Thread t = new Thread(() -> results[client] = client(client, deadline), "load-client-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        return Arrays.asList(results);
    }

    /** One client: its own connection, the prepared query, back to back until the deadline. */
    private ClientResult client(int client, long deadline) {
        long[] latencies = new long[1 << 16];
        int count = 0;
        int errors = 0;
        String firstError = null;
        SplittableRandom random = new SplittableRandom(client);
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement p = c.prepareStatement(query)) {
            while (System.nanoTime() < deadline) {
                p.setInt(1, 1 + random.nextInt(rows));
                long start = System.nanoTime();
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) throw new SQLException("no row");
                    rs.getObject(1);
                } catch (SQLException e) {
                    errors++;
                    if (firstError == null) firstError = e.getMessage() + " (SQLState " + e.getSQLState() + ")";
                    continue;
                }
                if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                latencies[count++] = System.nanoTime() - start;
            }
        } catch (SQLException e) {
            errors++;
            firstError = "cannot connect: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")";
        }
        return new ClientResult(latencies, count, errors, firstError);
    }

    private static long[] merge(List<ClientResult> results) {
        long[] all = new long[results.stream().mapToInt(ClientResult::count).sum()];
        int at = 0;
        for (ClientResult r : results) {
            System.arraycopy(r.latencies(), 0, all, at, r.count());
            at += r.count();
        }
        Arrays.sort(all);
        return all;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int index = (int) Math.ceil(p * sorted.length) - 1; // the nearest-rank percentile
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}

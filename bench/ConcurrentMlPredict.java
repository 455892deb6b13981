import dev.sqlnn.Sqlnn;
import dev.sqlnn.data.IdxReader;
import dev.sqlnn.data.IdxTable;
import java.sql.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * ML_PREDICT from 1 client and from 4 at once, alternating, on an in-memory H2 with the founding network:
 * the rows/s of each and their ratio, round by round. Run from the project's root after building the jar:
 * bin/with-jdk java --add-modules jdk.incubator.vector -Xmx4g -cp target/sqlnn-all.jar bench/ConcurrentMlPredict.java 10
 */
public class ConcurrentMlPredict {
    static final String URL = "jdbc:h2:mem:conc;DB_CLOSE_DELAY=-1";
    static final String SQL = "SELECT COUNT(*) FROM ML_PREDICT('m', 'SELECT image FROM digits_all')";
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            Sqlnn.install(c);
            var train = IdxReader.bundledDigits(true);
            var test = IdxReader.bundledDigits(false);
            IdxTable.write(c, "DIGITS", train.images(), train.labels());
            IdxTable.write(c, "DIGITS_TEST", test.images(), test.labels());
            s.execute("CREATE TABLE DIGITS_ALL AS SELECT * FROM DIGITS UNION ALL SELECT ID + 8000, IMAGE, LABEL FROM DIGITS_TEST");
            s.execute("SELECT ML_TRAIN('m', 'SELECT image, label FROM digits', '{\"hidden\":[1024,512],\"epochs\":1}')");
            long end = System.nanoTime() + 3_000_000_000L; // the JIT's warm-up
            while (System.nanoTime() < end) s.executeQuery(SQL).close();
        }
        int rounds = Integer.parseInt(a[0]);
        for (int r = 0; r < rounds; r++) {
            double one = run(1), four = run(4);
            System.out.printf("round %d: 1 client %,.0f, 4 clients %,.0f, ratio %.2f%n", r, one, four, four / one);
        }
    }
    static double run(int clients) throws Exception {
        AtomicLong rows = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(clients + 1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < clients; i++) fs.add(pool.submit(() -> {
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.executeQuery(SQL).close();
                start.await();
                long end = System.nanoTime() + 5_000_000_000L;
                while (System.nanoTime() < end) {
                    try (ResultSet rs = s.executeQuery(SQL)) {
                        rs.next();
                        rows.addAndGet(rs.getLong(1));
                    }
                }
            }
            return null;
        }));
        start.await();
        long t0 = System.nanoTime();
        for (var f : fs) f.get();
        pool.shutdown();
        return rows.get() / ((System.nanoTime() - t0) / 1e9);
    }
}

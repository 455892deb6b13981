package dev.sqlnn.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A JVM of its own that works on a database file the way an application does until it is killed, for
 * {@link CrashSafetySqlTest}: one thread trains a model again and again with {@code ML_TRAIN}, while
 * another keeps writing to the application's own tables in transactions that it holds open for a
 * while, as real work would.
 *
 * <p>Arguments: the database's URL, the model's name, the training query, then one or more option
 * sets, used in turn by the trainings. Prints, each on a line of its own and only once it is true:
 * {@code open} (the database is open), {@code training I} (the I-th training, from 0, starts),
 * {@code trained V} (ML_TRAIN returned version V, committed) and {@code app K} (the application's
 * write K is committed; see {@link CrashSafetySqlTest#applyWrite}).
 */
final class CrashingTrainingProcess {

    /** Milliseconds the application's transaction stays open between two of its statements. */
    private static final int PAUSE_INSIDE_TRANSACTION_MS = 2;
    /** Milliseconds between two of the application's transactions. */
    private static final int PAUSE_BETWEEN_TRANSACTIONS_MS = 15;

    private CrashingTrainingProcess() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        try (Connection trainer = DriverManager.getConnection(url);
             Connection application = DriverManager.getConnection(url)) {
            say("open");
            Thread writer = new Thread(() -> writeUntilKilled(application), "application");
            writer.setDaemon(true);
            writer.start();
            try (PreparedStatement train = trainer.prepareStatement("SELECT ML_TRAIN(?, ?, ?)")) {
                train.setString(1, args[1]);
                train.setString(2, args[2]);
                for (int i = 0; ; i++) {
                    train.setString(3, args[3 + i % (args.length - 3)]);
                    say("training " + i);
                    try (ResultSet rs = train.executeQuery()) {
                        rs.next();
                        say("trained " + rs.getLong(1));
                    }
                }
            }
        }
    }

    /** The application's writes, numbered on from the last one committed, each in a transaction of its own. */
    private static void writeUntilKilled(Connection connection) {
        try (Statement statement = connection.createStatement();
             PreparedStatement order = connection.prepareStatement(
                     "INSERT INTO ORDERS (ID, CUSTOMER_ID, AMOUNT, WRITE_NO) VALUES (?, ?, ?, ?)");
             PreparedStatement charge = connection.prepareStatement(
                     "UPDATE CUSTOMERS SET BALANCE = BALANCE - ? WHERE ID = ?");
             PreparedStatement state = connection.prepareStatement("UPDATE APP_STATE SET WRITES = ? WHERE ID = 1")) {
            connection.setAutoCommit(false);
            int k;
            try (ResultSet rs = statement.executeQuery("SELECT WRITES FROM APP_STATE WHERE ID = 1")) {
                rs.next();
                k = rs.getInt(1);
            }
            while (true) {
                k++;
                for (int j = 0; j < CrashSafetySqlTest.ORDERS_PER_WRITE; j++) {
                    long[] o = CrashSafetySqlTest.order(k, j);
                    order.setLong(1, o[0]);
                    order.setLong(2, o[1]);
                    order.setLong(3, o[2]);
                    order.setInt(4, k);
                    order.executeUpdate();
                    charge.setLong(1, o[2]);
                    charge.setLong(2, o[1]);
                    charge.executeUpdate();
                    Thread.sleep(PAUSE_INSIDE_TRANSACTION_MS);
                }
                state.setInt(1, k);
                state.executeUpdate();
                connection.commit();
                say("app " + k);
                Thread.sleep(PAUSE_BETWEEN_TRANSACTIONS_MS);
            }
        } catch (Exception e) {
            say("application failed: " + e);
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}

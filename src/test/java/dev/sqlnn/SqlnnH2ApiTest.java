package dev.sqlnn;

import dev.sqlnn.model.ModelEvaluation;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java API ({@link Sqlnn}) on an embedded H2 database, as the README shows it for PostgreSQL: train,
 * score into a table, evaluate, deploy, drop; and what it promises of two trainings of one name at once.
 */
class SqlnnH2ApiTest {

    private static final String QUERY = "SELECT a, b, y FROM pts";
    private static final String OPTIONS = "{\"hidden\":[8],\"epochs\":20,\"learning_rate\":0.01}";

    private JdbcDataSource dataSource;
    private Connection connection;

    @BeforeEach
    void database() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:api-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        connection = dataSource.getConnection();
        Sqlnn.install(connection);
        // Two classes either side of the line a = b.
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE pts (id INT PRIMARY KEY, a DOUBLE PRECISION, b DOUBLE PRECISION, y INT)");
        }
        Random random = new Random(5);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO pts VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= 400; i++) {
                double a = 2 * random.nextDouble() - 1;
                double b = 2 * random.nextDouble() - 1;
                insert.setInt(1, i);
                insert.setDouble(2, a);
                insert.setDouble(3, b);
                insert.setInt(4, a > b ? 1 : 0);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @AfterEach
    void shutDown() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            connection.close();
        }
    }

    @Test
    void trainsScoresEvaluatesDeploysAndDropsOnH2() throws SQLException {
        assertEquals(1L, Sqlnn.train(dataSource, "m", QUERY, OPTIONS));
        assertEquals(2L, Sqlnn.train(connection, "m", QUERY, OPTIONS.replace("20", "1")));
        assertEquals(20L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'm' AND VERSION = 1"));

        assertEquals(1L, Sqlnn.deploy(connection, "m", 1L));
        assertEquals(400L, Sqlnn.predictInto(connection, "m", "SELECT id, a, b FROM pts", "scored"));
        long right = count("SELECT COUNT(*) FROM scored JOIN pts ON scored.id = pts.id WHERE scored.prediction = pts.y");
        assertEquals(right, count("SELECT COUNT(*) FROM pts WHERE PREDICT('m', ARRAY[a, b]) = y"),
                "predictInto scores as PREDICT does");
        assertTrue(right > 360, () -> right + " of 400 right");

        ModelEvaluation evaluation = Sqlnn.evaluate(connection, "m", QUERY);
        assertEquals(400, evaluation.rowCount());
        assertEquals(right / 400.0, evaluation.classification().accuracy(), 1e-12);

        assertEquals(1, Sqlnn.drop(connection, "m", 2L));
        assertEquals(1, Sqlnn.drop(connection, "m", null));
        SQLException unknown = assertThrows(SQLException.class, () -> Sqlnn.deploy(connection, "m", null));
        assertEquals("42704", unknown.getSQLState(), unknown.getMessage());
        assertTrue(unknown.getMessage().startsWith("ML_DEPLOY: "), unknown.getMessage());
    }

    /**
     * {@code Sqlnn.train(Connection, ...)} picks its version as it saves: of two trainings of one name at
     * once, the later to save fails with 23505 and leaves nothing. Here the first is saved in a
     * transaction still open when the second picks its version, and commits just before the second
     * writes its row (a trigger on SQLNN.MODELS commits it).
     */
    @Test
    void ofTwoTrainingsOfOneNameAtOnceTheLaterToSaveFailsWith23505() throws SQLException {
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            assertEquals(1L, Sqlnn.train(first, "m", QUERY, OPTIONS));
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TRIGGER COMMIT_FIRST BEFORE INSERT ON SQLNN.MODELS FOR EACH ROW CALL '"
                        + CommitFirst.class.getName() + "'");
            }
            CommitFirst.pending.set(first);
            SQLException e = assertThrows(SQLException.class, () -> Sqlnn.train(connection, "m", QUERY, OPTIONS));
            assertEquals(null, CommitFirst.pending.get(), "the trigger committed the first training");
            assertEquals("23505", e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().startsWith("ML_TRAIN: "), e.getMessage());
        }
        assertEquals(1L, count("SELECT COUNT(*) FROM SQLNN.MODELS WHERE NAME = 'm'"), "the first training's row only");
        assertEquals(20L, count("SELECT COUNT(*) FROM SQLNN.TRAINING_LOG WHERE NAME = 'm'"), "the first's log only");
    }

    /** Commits the connection it is given, once, before the next row goes into SQLNN.MODELS. Public, for H2. */
    public static final class CommitFirst implements org.h2.api.Trigger {

        static final AtomicReference<Connection> pending = new AtomicReference<>();

        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            Connection first = pending.getAndSet(null);
            if (first != null) first.commit();
        }
    }

    private long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

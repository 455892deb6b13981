package dev.sqlnn.sql;

import dev.sqlnn.Sqlnn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the SQL integration tests share: a fresh in-memory H2 database per test with sqlnn installed,
 * small synthetic tables, and assertions on results and errors. Every check goes through SQL.
 *
 * <p>The blobs: three well-separated Gaussian clouds in the plane, one per class, with centres
 * {@link #CENTRES}; class 0 is "north", 1 "east", 2 "west".
 */
abstract class SqlTestSupport {

    /** The blobs' centres, by class; a prediction at a centre must be that class. */
    static final double[][] CENTRES = {{0, 3}, {3, -1}, {-3, -1}};
    static final String[] CLASS_NAMES = {"north", "east", "west"};

    /** A small network that learns the blobs in a blink. */
    static final String QUICK = "{\"hidden\":[16],\"epochs\":15,\"learning_rate\":0.01}";

    /** The database's URL without settings, for other users' connections (only an admin may set DB_CLOSE_DELAY). */
    protected String url;
    protected Connection connection;

    @BeforeEach
    void installIntoAFreshDatabase() throws SQLException {
        url = freshDatabaseUrl();
        connection = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1");
        Sqlnn.install(connection);
    }

    /** The URL of a database that does not exist yet; in memory unless a test class says otherwise. */
    String freshDatabaseUrl() {
        return "jdbc:h2:mem:sql-" + UUID.randomUUID();
    }

    @AfterEach
    void dropTheDatabase() throws SQLException {
        // DB_CLOSE_DELAY=-1 keeps an in-memory database after its last connection: shut it down explicitly.
        try (Statement s = connection.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            connection.close();
        }
    }

    // ---------------------------------------------------------------- data

    /**
     * Creates {@code table(ID, A, B, Y, SHIFTED, NAME, FEATURES, PIXELS)}: the blobs as plain columns,
     * an integer label, the same label shifted by one class ({@code (Y + 1) % 3}), a text label, a
     * DOUBLE PRECISION ARRAY and a VARBINARY(2) of the same point ({@link #pixel} of each coordinate).
     */
    void createBlobs(String table, int rows, long seed) throws SQLException {
        execute("CREATE TABLE " + table + " (ID INT PRIMARY KEY, A DOUBLE PRECISION, B DOUBLE PRECISION, Y INT,"
                + " SHIFTED INT, NAME VARCHAR(10), FEATURES DOUBLE PRECISION ARRAY, PIXELS VARBINARY(2))");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                int y = i % 3;
                double a = CENTRES[y][0] + 0.5 * random.nextGaussian();
                double b = CENTRES[y][1] + 0.5 * random.nextGaussian();
                insert.setInt(1, i + 1);
                insert.setDouble(2, a);
                insert.setDouble(3, b);
                insert.setInt(4, y);
                insert.setInt(5, (y + 1) % 3);
                insert.setString(6, CLASS_NAMES[y]);
                insert.setObject(7, new Double[] {a, b});
                insert.setBytes(8, new byte[] {(byte) pixel(a), (byte) pixel(b)});
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static final String[] REGIONS = {"north", "south", "east", "west"};
    private static final double[] REGION_PRICE = {300, 100, 180, 140};

    /**
     * Creates {@code table(ID, REGION, PLAN, HAS_GARDEN, ROOMS, AREA, PRICE, BAND)}: houses whose price
     * depends on the region (text, one of four, north dearest), the plan (CHAR(1)), the garden
     * (BOOLEAN), the rooms (INTEGER, 10% NULL) and the area (DOUBLE, 10% NULL), plus a little noise;
     * {@code BAND} is the price's text class (cheap, fair, dear).
     */
    void createHouses(String table, int rows, long seed) throws SQLException {
        createHouses(table, rows, seed, false);
    }

    /** As {@link #createHouses(String, int, long)}; {@code awkward} rows also have unseen and NULL regions and NULL gardens. */
    void createHouses(String table, int rows, long seed, boolean awkward) throws SQLException {
        execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, region VARCHAR(20), plan CHAR(1), has_garden BOOLEAN,"
                + " rooms INT, area DOUBLE PRECISION, price DOUBLE PRECISION, band VARCHAR(10))");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                int region = random.nextInt(REGIONS.length);
                boolean planA = random.nextBoolean();
                boolean garden = random.nextBoolean();
                int rooms = 1 + random.nextInt(6);
                double area = 30 + 20 * rooms + 10 * random.nextGaussian();
                double price = REGION_PRICE[region] + (planA ? 40 : 0) + (garden ? 60 : 0) + 25 * rooms
                        + 0.5 * area + 5 * random.nextGaussian();
                insert.setInt(1, i + 1);
                double odd = awkward ? random.nextDouble() : 1; // plain houses draw as they always did
                insert.setString(2, odd < 0.05 ? "atlantis" : odd < 0.1 ? null : REGIONS[region]);
                insert.setString(3, planA ? "A" : "B");
                if (awkward && random.nextDouble() < 0.05) insert.setNull(4, Types.BOOLEAN);
                else insert.setBoolean(4, garden);
                if (random.nextDouble() < 0.1) insert.setNull(5, Types.INTEGER);
                else insert.setInt(5, rooms);
                if (random.nextDouble() < 0.1) insert.setNull(6, Types.DOUBLE);
                else insert.setDouble(6, area);
                insert.setDouble(7, price);
                insert.setString(8, price < 350 ? "cheap" : price < 450 ? "fair" : "dear");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** A coordinate in [-5, 5] as an unsigned byte. */
    static int pixel(double x) {
        return (int) Math.max(0, Math.min(255, Math.round((x + 5) * 25.5)));
    }

    /** {@code X'....'}: the VARBINARY of a point, as {@link #createBlobs} stores it. */
    static String pixels(double[] point) {
        return String.format("X'%02x%02x'", pixel(point[0]), pixel(point[1]));
    }

    /** {@code ARRAY[a, b]} of a point. */
    static String array(double[] point) {
        return "ARRAY[" + point[0] + ", " + point[1] + "]";
    }

    /** Creates {@code table(A, B, Y)} with A, B uniform in [-1, 1] and {@code Y = 2A - B} (DOUBLE PRECISION). */
    void createPlane(String table, int rows, long seed) throws SQLException {
        execute("CREATE TABLE " + table + " (A DOUBLE PRECISION, B DOUBLE PRECISION, Y DOUBLE PRECISION)");
        Random random = new Random(seed);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                double a = 2 * random.nextDouble() - 1;
                double b = 2 * random.nextDouble() - 1;
                insert.setDouble(1, a);
                insert.setDouble(2, b);
                insert.setDouble(3, 2 * a - b);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    // ---------------------------------------------------------------- SQL

    void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** {@code SELECT ML_TRAIN(model, query, options)}; returns the new version. */
    long train(String model, String query, String options) throws SQLException {
        return (Long) value("SELECT ML_TRAIN(?, ?, ?)", model, query, options);
    }

    /** The first column of the query's single row. */
    Object value(String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = rows(sql, parameters);
        assertEquals(1, rows.size(), () -> "rows of " + sql);
        return rows.get(0)[0];
    }

    long count(String sql, Object... parameters) throws SQLException {
        return count(connection, sql, parameters);
    }

    static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        List<Object[]> rows = rows(connection, sql, parameters);
        assertEquals(1, rows.size(), () -> "rows of " + sql);
        return ((Number) rows.get(0)[0]).longValue();
    }

    /** Every row; SQL arrays become {@code Object[]}, BLOBs {@code byte[]}. */
    List<Object[]> rows(String sql, Object... parameters) throws SQLException {
        return rows(connection, sql, parameters);
    }

    static List<Object[]> rows(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[columns];
                    for (int c = 0; c < columns; c++) {
                        Object v = rs.getObject(c + 1);
                        if (v instanceof Array a) v = a.getArray();
                        if (v instanceof Blob b) v = b.getBytes(1, (int) b.length());
                        row[c] = v;
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** An SQL array of numbers, as {@link #rows} returns it, as floats. */
    static float[] floats(Object array) {
        Object[] elements = (Object[]) array;
        float[] values = new float[elements.length];
        for (int i = 0; i < values.length; i++) values[i] = ((Number) elements[i]).floatValue();
        return values;
    }

    /** The SQL type H2 reports for each column of a query, e.g. {@code REAL ARRAY}. */
    List<String> columnTypes(String sql) throws SQLException {
        return columnInfo(sql, true);
    }

    List<String> columnNames(String sql) throws SQLException {
        return columnInfo(sql, false);
    }

    private List<String> columnInfo(String sql, boolean types) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            var meta = rs.getMetaData();
            List<String> result = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                result.add(types ? meta.getColumnTypeName(c) : meta.getColumnLabel(c));
            }
            return result;
        }
    }

    // ---------------------------------------------------------------- errors

    /** Rows in sqlnn's tables: what a failed call must leave as it found. */
    record Counts(long models, long trainingLog, long trainingRuns, long deployments, long trials) {
    }

    Counts counts() throws SQLException {
        return counts(connection);
    }

    static Counts counts(Connection connection) throws SQLException {
        return new Counts(count(connection, "SELECT COUNT(*) FROM SQLNN.MODELS"),
                count(connection, "SELECT COUNT(*) FROM SQLNN.TRAINING_LOG"),
                count(connection, "SELECT COUNT(*) FROM SQLNN.TRAINING_RUNS"),
                count(connection, "SELECT COUNT(*) FROM SQLNN.DEPLOYMENTS"),
                count(connection, "SELECT COUNT(*) FROM SQLNN.TRIALS"));
    }

    /**
     * Runs {@code sql}, which must fail with {@code state}, a message that starts with {@code function}
     * and contains every fragment, and write nothing to sqlnn's tables. Returns the exception.
     */
    SQLException assertFails(String state, String function, String sql, String... fragments) throws SQLException {
        Counts before = counts();
        SQLException e = assertThrows(SQLException.class, () -> rows(sql), () -> "expected " + sql + " to fail");
        assertEquals(state, e.getSQLState(), () -> "SQLState of " + sql + ": " + e.getMessage());
        if (function != null) {
            assertTrue(e.getMessage().startsWith(function + ": "),
                    () -> "message should start with " + function + ": " + e.getMessage());
        }
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    () -> "message should contain '" + fragment + "': " + e.getMessage());
        }
        assertEquals(before, counts(), () -> "nothing may be written by " + sql);
        return e;
    }

    /** {@code ML_TRAIN} with the given query and options must fail like {@link #assertFails}. */
    SQLException assertTrainingFails(String state, String query, String options, String... fragments)
            throws SQLException {
        return assertFails(state, "ML_TRAIN", "SELECT ML_TRAIN('m', " + quote(query) + ", " + quote(options) + ")",
                fragments);
    }

    static String quote(String text) {
        return text == null ? "NULL" : "'" + text.replace("'", "''") + "'";
    }
}

package dev.sqlnn.data;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static dev.sqlnn.data.CsvImporter.ColumnType.BIGINT;
import static dev.sqlnn.data.CsvImporter.ColumnType.DOUBLE;
import static dev.sqlnn.data.CsvImporter.ColumnType.INTEGER;
import static dev.sqlnn.data.CsvImporter.ColumnType.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV import's Java API (what the command line calls), on a plain in-memory H2 database. */
class CsvImporterTest {

    @TempDir
    Path dir;
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:csv-" + UUID.randomUUID());
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private Path csv(String text) throws IOException {
        Path file = dir.resolve("data-" + UUID.randomUUID() + ".csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) row.add(rs.getObject(c));
                rows.add(row);
            }
            return rows;
        }
    }

    private List<String> columnTypes(String table) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            List<String> types = new ArrayList<>();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                types.add(rs.getMetaData().getColumnLabel(c) + " " + rs.getMetaData().getColumnTypeName(c));
            }
            return types;
        }
    }

    private static final String IRIS = """
            id,Sepal Length,species,big,ratio,note,nothing
            1,5.1,setosa,3000000000,1,"hello, world",
            2,4.9,"versicolor",-5,2.5e3,,
            3,,virginica,+7,.5,"say \"\"hi\"\"",\"\"
            """;

    @Test
    void typesColumnsByContentAndKeepsHeaderNames() throws IOException, SQLException {
        Path file = csv(IRIS);
        assertEquals(List.of(new CsvImporter.Column("id", INTEGER), new CsvImporter.Column("Sepal Length", DOUBLE),
                new CsvImporter.Column("species", VARCHAR), new CsvImporter.Column("big", BIGINT),
                new CsvImporter.Column("ratio", DOUBLE), new CsvImporter.Column("note", VARCHAR),
                new CsvImporter.Column("nothing", VARCHAR)), CsvImporter.columns(file));

        assertEquals(3, CsvImporter.importFile(connection, "iris", file));
        assertEquals(List.of("id INTEGER", "Sepal Length DOUBLE PRECISION", "species CHARACTER VARYING", "big BIGINT",
                "ratio DOUBLE PRECISION", "note CHARACTER VARYING", "nothing CHARACTER VARYING"), columnTypes("IRIS"));
        assertEquals(List.of(
                        Arrays.asList(1, 5.1, "setosa", 3_000_000_000L, 1.0, "hello, world", null),
                        Arrays.asList(2, 4.9, "versicolor", -5L, 2500.0, null, null),
                        Arrays.asList(3, null, "virginica", 7L, 0.5, "say \"hi\"", "")),
                rows("SELECT * FROM iris ORDER BY \"id\""));
        assertEquals(List.of(List.of(5.1)), rows("SELECT \"Sepal Length\" FROM IRIS WHERE \"species\" = 'setosa'"));
    }

    @Test
    void numbersThatJavaButNotSqlWouldReadStayText() throws IOException {
        Path file = csv("a,b,c,d,e,f\n1.5f,0x10,NaN,1e999,99999999999999999999,1.\n");
        assertEquals(List.of(VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE),
                CsvImporter.columns(file).stream().map(CsvImporter.Column::type).toList());
    }

    @Test
    void oneTextValueMakesTheColumnText() throws IOException, SQLException {
        Path file = csv("x,y\r\n1,2\r\n2,n/a\r\n3,4\r\n");
        assertEquals(3, CsvImporter.importFile(connection, "T", file));
        assertEquals(List.of("x INTEGER", "y CHARACTER VARYING"), columnTypes("T"));
        assertEquals(List.of(List.of(2, "n/a")), rows("SELECT * FROM T WHERE \"x\" = 2"));
    }

    @Test
    void headerNamesAreQuotedSoThatNoneCanBreakOutOfTheIdentifier() throws IOException, SQLException {
        Path file = csv("\"we\"\"ird\",\"a) ; DROP TABLE victim; --\"\n1,2\n");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE victim (x INT)");
        }
        assertEquals(1, CsvImporter.importFile(connection, "T", file));
        assertEquals(List.of("we\"ird INTEGER", "a) ; DROP TABLE victim; -- INTEGER"), columnTypes("T"));
        assertEquals(List.of(), rows("SELECT * FROM victim"));
    }

    @Test
    void aHeaderWithoutRowsMakesAnEmptyTable() throws IOException, SQLException {
        assertEquals(0, CsvImporter.importFile(connection, "EMPTY", csv("a,b\n")));
        assertEquals(List.of("a CHARACTER VARYING", "b CHARACTER VARYING"), columnTypes("EMPTY"));
    }

    @Test
    void anEmptyFileIsRefusedAndCreatesNothing() throws IOException, SQLException {
        DataException e = assertThrows(DataException.class, () -> CsvImporter.importFile(connection, "T", csv("")));
        assertTrue(e.getMessage().contains("is empty: its first line must name the columns"), e.getMessage());
        assertEquals(List.of(List.of(0L)),
                rows("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'T'"));
    }

    @Test
    void aMissingOrUnreadableFileIsAnIOExceptionNamingIt() throws IOException {
        Path missing = dir.resolve("missing.csv");
        IOException e = assertThrows(IOException.class, () -> CsvImporter.importFile(connection, "T", missing));
        assertTrue(e.getMessage().contains("the CSV file " + missing.toAbsolutePath() + " does not exist"), e.getMessage());
        e = assertThrows(IOException.class, () -> CsvImporter.importFile(connection, "T", dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "name\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> CsvImporter.importFile(connection, "T", latin1));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void anExistingTableIsKeptUnlessReplaceIsAsked() throws IOException, SQLException {
        Path file = csv("a\n1\n2\n");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE my_table (keep INT)");
            s.execute("INSERT INTO my_table VALUES (42)");
        }
        TableExistsException e = assertThrows(TableExistsException.class,
                () -> CsvImporter.importFile(connection, "my_table", file));
        assertEquals("my_table", e.table());
        assertEquals(List.of(List.of(42)), rows("SELECT * FROM my_table"));
        assertEquals(2, CsvImporter.importFile(connection, "my_table", file, true));
        assertEquals(List.of(List.of(1), List.of(2)), rows("SELECT \"a\" FROM MY_TABLE ORDER BY 1"));
    }

    @Test
    void aTableOfAnotherSchemaIsFoundAndAnUnderscoreIsNoWildcard() throws IOException, SQLException {
        Path file = csv("a\n1\n");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE SCHEMA other");
            s.execute("CREATE TABLE other.ab (x INT)");
        }
        assertEquals(1, CsvImporter.importFile(connection, "a_b", file), "A_B is not AB");
        assertThrows(TableExistsException.class, () -> CsvImporter.importFile(connection, "Other.Ab", file));
        assertEquals(1, CsvImporter.importFile(connection, "ab", file), "PUBLIC.AB is not OTHER.AB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"t; DROP TABLE victim", "t--", "\"t\"", "1t", "a.b.c", "", " t", "t WHERE 1=1", "victim(x)",
            "é"})
    void tableNamesOtherThanPlainIdentifiersAreRefused(String table) throws IOException, SQLException {
        Path file = csv("a\n1\n");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE victim (x INT)");
        }
        DataException e = assertThrows(DataException.class, () -> CsvImporter.importFile(connection, table, file, true));
        assertTrue(e.getMessage().startsWith("table name must be a plain identifier"), e.getMessage());
        assertEquals(List.of(List.of("VICTIM")),
                rows("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"));
    }
}

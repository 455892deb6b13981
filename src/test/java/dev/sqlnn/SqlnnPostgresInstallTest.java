package dev.sqlnn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Sqlnn#install} on a real PostgreSQL server: schema sqlnn with PostgreSQL's types. */
class SqlnnPostgresInstallTest {

    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (database != null) database.close();
    }

    @Test
    void createsTheTablesWithPostgresTypes() throws SQLException {
        try (Connection c = database.connect()) {
            Sqlnn.install(c);
            assertEquals(List.of("id:int8", "name:varchar", "version:int8", "task:varchar", "created_at:timestamptz",
                    "options:jsonb", "input_width:int4", "layers:varchar", "classes:jsonb", "metrics:jsonb",
                    "train_rows:int8", "train_seconds:float8", "deployed:bool", "weights:bytea"), columns(c, "models"));
            assertEquals(List.of("name:varchar", "version:int8", "epoch:int4", "train_loss:float8",
                    "validation_loss:float8", "validation_metric:float8", "learning_rate:float8", "seconds:float8",
                    "rows_per_second:float8"), columns(c, "training_log"));
            assertEquals(List.of("id:int8", "name:varchar", "version:int8", "deployed_at:timestamptz"),
                    columns(c, "deployments"));
            assertEquals(List.of("name:varchar", "version:int8", "status:varchar", "started_at:timestamptz",
                    "ended_at:timestamptz"), columns(c, "training_runs"));
        }
    }

    @Test
    void aSecondInstallAppliesNothing() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            Sqlnn.install(c);
            s.execute("INSERT INTO sqlnn.deployments(name, version) VALUES ('m', 1)");
            Sqlnn.install(c);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sqlnn.deployments")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void leavesTheConnectionsSchemaAsItWas() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            Sqlnn.install(c);
            Sqlnn.install(c);
            try (ResultSet rs = s.executeQuery("SELECT current_schema() || '|' || current_setting('search_path')")) {
                rs.next();
                assertEquals("public|\"$user\", public", rs.getString(1));
            }
        }
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, "sqlnn", table, null)) {
            while (rs.next()) columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
        }
        return columns;
    }
}

package com.example.digits;

import dev.sqlnn.Sqlnn;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The code of README.md's "Embed sqlnn" section, compiled here so that it cannot rot:
 * {@link ReadmeSnippetsTest} checks that README.md shows each block between {@code README:begin} and
 * {@code README:end} verbatim (less its indentation), and {@link DigitsServiceTest} runs the queries
 * against the service's model.
 */
final class EmbedSnippets {

    private EmbedSnippets() {
    }

    static DataSource install() {
        // README:begin install
        JdbcConnectionPool dataSource = JdbcConnectionPool.create("jdbc:h2:./app", "sa", "");
        Sqlnn.install(dataSource);   // Flyway migrations; idempotent, touches only schema SQLNN
        // README:end
        return dataSource;
    }

    static int predictWithJdbc(DataSource dataSource, byte[] pixels) throws SQLException {
        // README:begin jdbc
        try (Connection connection = dataSource.getConnection();
             PreparedStatement predict = connection.prepareStatement("SELECT PREDICT('digits', ?)")) {
            predict.setBytes(1, pixels);   // VARBINARY: the 784 pixels of a 28×28 grayscale image
            try (ResultSet row = predict.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
        // README:end
    }

    static Map<Integer, Integer> predictWithJooq(DataSource dataSource) {
        // README:begin jooq
        DSLContext db = DSL.using(dataSource, SQLDialect.H2);
        Field<Integer> id = DSL.field("ID", Integer.class);
        Field<Integer> digit = DSL.function("PREDICT", Integer.class, DSL.inline("digits"), DSL.field("IMAGE"));
        Map<Integer, Integer> digitById = db.select(id, digit)
                .from(DSL.table("DIGITS"))
                .where(id.le(10))
                .fetchMap(id, digit);
        // README:end
        return digitById;
    }
}

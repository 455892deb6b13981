package dev.sqlnn.sql;

import dev.sqlnn.model.Model;
import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The columns of an {@code ML_PREDICT} result: the query's own, declared as the query declares them,
 * then {@code PREDICTION} and, for a classifier, {@code PROBABILITY}; for {@code ML_EXPLAIN_PREDICT}
 * also {@code BASELINE, RANK, FEATURE, ATTRIBUTION}. Built alike for H2's
 * column-list call (from prepared metadata) and for the real call (from the running query), so
 * that both agree.
 *
 * <p>H2 rebuilds a table function's column types from {@link ResultSetMetaData} type names, and a
 * few it cannot rebuild: ENUM and ROW types (their names carry their values or fields), nested
 * arrays, and arrays whose element type has a length or precision. Arrays lose the element's
 * length; the others pass through as their text.
 */
final class PredictionColumns {

    private static final String PREDICTION = "PREDICTION";
    private static final String PROBABILITY = "PROBABILITY";
    /** What {@code ML_EXPLAIN_PREDICT} appends after the prediction. */
    private static final List<String> EXPLANATION = List.of("BASELINE", "RANK", "FEATURE", "ATTRIBUTION");
    private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");

    /** How one column is declared to H2 and read from the query. */
    private record Column(String label, int type, String typeName, int precision, int scale, boolean asText) {
    }

    private final Model model;
    private final List<Column> columns;
    private final Model.PredictionType prediction;
    private final boolean explained;

    PredictionColumns(Model model, ResultSetMetaData meta) throws SQLException {
        this("ML_PREDICT", model, meta, false);
    }

    /** @param explained whether the explanation's columns follow the prediction ({@code ML_EXPLAIN_PREDICT}) */
    PredictionColumns(String fn, Model model, ResultSetMetaData meta, boolean explained) throws SQLException {
        this.model = model;
        this.explained = explained;
        this.columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String label = meta.getColumnLabel(i);
            String upper = label.toUpperCase(Locale.ROOT);
            if (upper.equals(PREDICTION) || upper.equals(PROBABILITY) || (explained && EXPLANATION.contains(upper))) {
                throw new IllegalArgumentException("the query has a column named " + label + ", which " + fn
                        + " adds itself; rename it with AS, e.g. " + label + " AS " + label + "_0");
            }
            columns.add(column(label, meta.getColumnType(i), meta.getColumnTypeName(i), meta.getPrecision(i),
                    meta.getScale(i)));
        }
        prediction = model.predictionType();
    }

    private static Column column(String label, int type, String typeName, int precision, int scale) {
        if (type == Types.ARRAY) {
            String element = typeName.endsWith(" ARRAY") ? typeName.substring(0, typeName.length() - 6) : "";
            element = PARENTHESES.matcher(element).replaceAll("").trim();
            String upper = element.toUpperCase(Locale.ROOT);
            if (element.isEmpty() || upper.endsWith(" ARRAY") || upper.startsWith("ENUM") || upper.startsWith("ROW")) {
                return text(label);
            }
            return new Column(label, type, element + " ARRAY", precision, scale, false);
        }
        if (type == Types.OTHER && typeName.contains("(")) return text(label); // ENUM(...), ROW(...), GEOMETRY(...)
        return new Column(label, type, typeName, precision, scale, false);
    }

    private static Column text(String label) {
        return new Column(label, Types.VARCHAR, "CHARACTER VARYING", TableFunctions.TEXT_LENGTH, 0, true);
    }

    /** Every column of the result: the query's and the appended ones. */
    int width() {
        return explanationColumn() + (explained ? EXPLANATION.size() : 0);
    }

    /** Where {@code PREDICTION} is in a row (from 0): after the query's columns; {@code PROBABILITY} follows for a classifier. */
    int predictionColumn() {
        return columns.size();
    }

    /** Where {@code BASELINE} is in a row (from 0), the first of the explanation's columns. */
    int explanationColumn() {
        return columns.size() + (prediction == Model.PredictionType.DOUBLE ? 1 : 2);
    }

    /** Reads the query's columns of the current row, as they are declared. */
    Object[] passThrough(ResultSet rs) throws SQLException {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i).asText() ? rs.getString(i + 1) : rs.getObject(i + 1);
        }
        return values;
    }

    /** The columns without rows: H2's column-list call. */
    SimpleResultSet empty() {
        return declare(new SimpleResultSet());
    }

    /** The columns with rows from {@code rows}. */
    SimpleResultSet streaming(SimpleRowSource rows) {
        return declare(new SimpleResultSet(rows));
    }

    private SimpleResultSet declare(SimpleResultSet result) {
        for (Column c : columns) result.addColumn(c.label(), c.type(), c.typeName(), c.precision(), c.scale());
        switch (prediction) {
            case INTEGER -> result.addColumn(PREDICTION, Types.INTEGER, 10, 0);
            case BIGINT -> result.addColumn(PREDICTION, Types.BIGINT, 19, 0);
            case TEXT -> result.addColumn(PREDICTION, Types.VARCHAR, TableFunctions.TEXT_LENGTH, 0);
            case DOUBLE -> result.addColumn(PREDICTION, Types.DOUBLE, 17, 0);
        }
        if (prediction != Model.PredictionType.DOUBLE) result.addColumn(PROBABILITY, Types.DOUBLE, 17, 0);
        if (explained) {
            result.addColumn("BASELINE", Types.DOUBLE, 17, 0);
            result.addColumn("RANK", Types.INTEGER, 10, 0);
            result.addColumn("FEATURE", Types.VARCHAR, TableFunctions.TEXT_LENGTH, 0);
            result.addColumn("ATTRIBUTION", Types.DOUBLE, 17, 0);
        }
        return result;
    }
}

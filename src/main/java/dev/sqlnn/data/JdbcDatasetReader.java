package dev.sqlnn.data;

import dev.sqlnn.data.Task;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a training query's result set into a {@link Dataset}.
 *
 * <p>The caller runs the query on its own connection, so the caller's rights decide what it may read;
 * this class opens nothing and closes nothing. The label is the named column, else the last one;
 * every other column is a feature: one VARBINARY/BINARY/BLOB column (unsigned bytes), one numeric
 * ARRAY column, or plain numeric columns. How the label's type and the task combine is described in
 * {@link LabelCollector}; in short, integer and text labels train classifiers, floating-point labels
 * regressions, and an explicit task may override that except for text regression and classification
 * on fractional values.
 *
 * <p>Bad data raises a {@link DataException} naming the row (1-based) and column; a
 * {@link SQLException} from the driver propagates unchanged.
 */
public final class JdbcDatasetReader {

    private JdbcDatasetReader() {
    }

    /**
     * Reads every remaining row of {@code rs}.
     *
     * @param labelColumn the label column's name (exact, else case-insensitive); null for the last column
     * @param task        classification or regression; null to infer it from the label column's type
     */
    public static Dataset read(ResultSet rs, String labelColumn, Task task) throws SQLException {
        return read(rs, labelColumn, task, EncodingOptions.defaults());
    }

    /** As {@link #read(ResultSet, String, Task)}, with plain columns encoded as {@code encoding} says. */
    public static Dataset read(ResultSet rs, String labelColumn, Task task, EncodingOptions encoding) throws SQLException {
        return read(rs, labelColumn, task, encoding, null, HeapBudget.ofThisJvm());
    }

    /**
     * As {@link #read(ResultSet, String, Task, EncodingOptions)}, but plain columns are encoded with
     * {@code fitted}, an encoding fitted before (a warm start's), if it is not null.
     */
    public static Dataset read(ResultSet rs, String labelColumn, Task task, EncodingOptions encoding,
                               FeatureEncoding fitted) throws SQLException {
        return read(rs, labelColumn, task, encoding, fitted, HeapBudget.ofThisJvm());
    }

    /** As {@link #read(ResultSet, String, Task, EncodingOptions)}, with the rows' arrays charged to {@code budget}. */
    static Dataset read(ResultSet rs, String labelColumn, Task task, EncodingOptions encoding, HeapBudget budget)
            throws SQLException {
        return read(rs, labelColumn, task, encoding, null, budget);
    }

    private static Dataset read(ResultSet rs, String labelColumn, Task task, EncodingOptions encoding,
                                FeatureEncoding fitted, HeapBudget budget) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int labelIndex = labelIndex(meta, labelColumn);
        FeatureCollector features = FeatureCollector.forColumns(meta, labelIndex, encoding, budget);
        LabelCollector labels = LabelCollector.forColumn(meta, labelIndex, task, budget);
        int rows = 0;
        try {
            while (rs.next()) {
                rows++;
                features.read(rs, rows);
                labels.read(rs, rows);
            }
            if (rows == 0) {
                throw new DataException("the training query returned no rows; check its FROM and WHERE clauses");
            }
            labels.finish(rows);
            if (features.kind() == FeatureKind.BYTES) return bytesDataset(features, labels);
            if (!features.encodes()) return numericDataset(features, labels);
            EncodingFitter.Encoded encoded = features.encoded(rows, fitted, budget);
            return Dataset.encoded(encoded.rows(), encoded.encoding(), labels.task(), labels.labelKind(),
                    labels.task() == Task.CLASSIFICATION ? labels.classes() : List.of(),
                    labels.task() == Task.CLASSIFICATION ? labels.classIndices() : null,
                    labels.task() == Task.CLASSIFICATION ? null : labels.targets());
        } catch (HeapLimitException e) {
            throw new HeapLimitException("the training query's rows do not fit in memory: at row " + String.format("%,d", rows)
                    + ", " + e.getMessage() + ". Train on fewer rows (a WHERE or LIMIT on a sample), keep images as"
                    + " VARBINARY (1 byte per pixel, not 4), or give the JVM a larger -Xmx");
        }
    }

    /**
     * Reads every remaining row of {@code rs} as one part of a larger table (a Spark partition): the
     * same rules and messages as {@link #read}, but the part may be empty or hold a single class; its
     * classes are combined with the other parts' by {@link DatasetPart#toDataset}.
     */
    public static DatasetPart readPart(ResultSet rs, String labelColumn, Task task) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int labelIndex = labelIndex(meta, labelColumn);
        HeapBudget budget = HeapBudget.ofThisJvm();
        FeatureCollector features = FeatureCollector.forColumns(meta, labelIndex, null, budget);
        LabelCollector labels = LabelCollector.forColumn(meta, labelIndex, task, budget);
        int rows = 0;
        while (rs.next()) {
            rows++;
            features.read(rs, rows);
            labels.read(rs, rows);
        }
        labels.finish(rows, false);
        boolean classification = labels.task() == Task.CLASSIFICATION;
        return new DatasetPart(features.kind(), rows == 0 ? 0 : features.width(), rows,
                features.kind() == FeatureKind.BYTES ? features.bytes() : null,
                features.kind() == FeatureKind.NUMERIC ? features.numbers() : null,
                features.names(), labels.labelKind(), labels.task(),
                classification ? labels.classes() : List.of(), classification ? labels.classIndices() : null,
                classification ? null : labels.targets());
    }

    private static Dataset bytesDataset(FeatureCollector features, LabelCollector labels) {
        return labels.task() == Task.CLASSIFICATION
                ? Dataset.classification(features.bytes(), features.width(), features.names(),
                        labels.labelKind(), labels.classes(), labels.classIndices())
                : Dataset.regression(features.bytes(), features.width(), features.names(), labels.targets());
    }

    private static Dataset numericDataset(FeatureCollector features, LabelCollector labels) {
        return labels.task() == Task.CLASSIFICATION
                ? Dataset.classification(features.numbers(), features.width(), features.names(),
                        labels.labelKind(), labels.classes(), labels.classIndices())
                : Dataset.regression(features.numbers(), features.width(), features.names(), labels.targets());
    }

    /** 1-based index of the label column; an exact name wins over a case-insensitive one (H2 upper-cases names). */
    private static int labelIndex(ResultSetMetaData meta, String labelColumn) throws SQLException {
        int count = meta.getColumnCount();
        if (labelColumn == null) return count;
        List<String> names = new ArrayList<>(count);
        for (int index = 1; index <= count; index++) names.add(meta.getColumnLabel(index));
        int exact = names.indexOf(labelColumn);
        if (exact >= 0) return exact + 1;
        int found = -1;
        for (int i = 0; i < count; i++) {
            if (names.get(i).equalsIgnoreCase(labelColumn)) {
                if (found >= 0) {
                    throw new DataException("label column '" + labelColumn + "' matches both " + names.get(found)
                            + " and " + names.get(i) + " of the training query; give \"label\" with the exact case");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new DataException("label column '" + labelColumn + "' is not in the training query; its columns are "
                    + String.join(", ", names) + ": set \"label\" to one of them");
        }
        return found + 1;
    }
}

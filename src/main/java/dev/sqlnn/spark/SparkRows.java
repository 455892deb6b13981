package dev.sqlnn.spark;

import dev.sqlnn.data.DataException;
import dev.sqlnn.model.FeatureRow;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.sql.ResultSet;
import java.sql.Types;
import java.util.Iterator;
import java.util.List;

/**
 * Spark rows as JDBC rows: a partition's rows become a {@link ResultSet} (H2's {@link SimpleResultSet})
 * with the SQL types that Spark's types stand for, so that training and scoring read them with the very
 * rules and messages of {@code ML_TRAIN} and {@code ML_PREDICT}; and one row's features become a
 * {@link FeatureRow} for the SQL functions.
 */
final class SparkRows {

    private SparkRows() {
    }

    /** The rows of {@code rows}, typed by {@code schema}, streamed as a result set. */
    static ResultSet resultSet(StructType schema, Iterator<Row> rows) {
        StructField[] fields = schema.fields();
        SimpleResultSet rs = new SimpleResultSet(new SimpleRowSource() {
            @Override
            public Object[] readRow() {
                if (!rows.hasNext()) return null;
                Row row = rows.next();
                Object[] values = new Object[fields.length];
                for (int i = 0; i < fields.length; i++) values[i] = value(row, i, fields[i].dataType());
                return values;
            }

            @Override
            public void close() {
            }

            @Override
            public void reset() {
                throw new UnsupportedOperationException("a partition's rows are read once");
            }
        });
        for (StructField field : fields) {
            DataType type = field.dataType();
            int scale = type instanceof DecimalType d ? d.scale() : 0;
            int precision = type instanceof DecimalType d ? d.precision() : 0;
            rs.addColumn(field.name(), sqlType(type), typeName(type), precision, scale);
        }
        return rs;
    }

    private static Object value(Row row, int i, DataType type) {
        if (row.isNullAt(i)) return null;
        if (type instanceof ArrayType) return row.getList(i).toArray(); // boxed elements; NULLs stay null
        return row.get(i);
    }

    /** The JDBC type a Spark type stands for; {@link Types#OTHER} for what sqlnn does not read. */
    static int sqlType(DataType type) {
        if (type instanceof BinaryType) return Types.VARBINARY;
        if (type instanceof ArrayType) return Types.ARRAY;
        if (type instanceof ByteType) return Types.TINYINT;
        if (type instanceof ShortType) return Types.SMALLINT;
        if (type instanceof IntegerType) return Types.INTEGER;
        if (type instanceof LongType) return Types.BIGINT;
        if (type instanceof FloatType) return Types.REAL;
        if (type instanceof DoubleType) return Types.DOUBLE;
        if (type instanceof DecimalType) return Types.DECIMAL;
        if (type instanceof StringType) return Types.VARCHAR;
        if (type instanceof BooleanType) return Types.BOOLEAN;
        if (type instanceof DateType) return Types.DATE;
        if (type instanceof TimestampType) return Types.TIMESTAMP;
        return Types.OTHER;
    }

    /** The type as messages name it: Spark's SQL name, e.g. {@code INT}, {@code ARRAY<FLOAT>}. */
    private static String typeName(DataType type) {
        return type.sql();
    }

    /** One row's features as the SQL functions receive them: BINARY bytes, or an ARRAY of numbers. */
    static FeatureRow features(Object value, String function) {
        if (value == null) {
            throw new DataException(function + ": the features are NULL; pass an image's BINARY or an ARRAY of numbers");
        }
        if (value instanceof byte[] bytes) return FeatureRow.ofBytes(bytes);
        List<?> elements;
        if (value instanceof List<?> list) elements = list;
        else if (value instanceof scala.collection.Seq<?> seq) elements = scala.jdk.javaapi.CollectionConverters.asJava(seq);
        else if (value instanceof Object[] array) elements = List.of(array);
        else {
            throw new DataException(function + ": features must be BINARY (an image's bytes) or an ARRAY of numbers; got "
                    + value.getClass().getSimpleName() + ": wrap numeric columns as array(c1, c2, ...)");
        }
        double[] numbers = new double[elements.size()];
        int nullAt = 0;
        for (int i = 0; i < numbers.length; i++) {
            Object e = elements.get(i);
            if (e == null) {
                if (nullAt == 0) nullAt = i + 1;
            } else if (e instanceof Number n) {
                numbers[i] = n.doubleValue();
            } else {
                throw new DataException(function + ": feature " + (i + 1) + " is " + e.getClass().getSimpleName()
                        + "; the ARRAY must hold numbers");
            }
        }
        return FeatureRow.ofNumbers(numbers, nullAt);
    }
}

package dev.sqlnn.spark;

import dev.sqlnn.model.Partitions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * {@link Partitions} over an RDD with one element per Spark partition: each map is one Spark job whose
 * tasks run where the partitions are cached, with the shared value broadcast once per executor, and
 * whose results come back in partition order ({@code collect}), so the driver combines them in the
 * same order every time.
 */
final class SparkPartitions<T> implements Partitions<T> {

    private final JavaSparkContext context;
    private final JavaRDD<T> parts;
    /** What the parts were made with: kept while they are, for Spark to make a lost one again. */
    private final Broadcast<?> madeWith;

    SparkPartitions(JavaSparkContext context, JavaRDD<T> parts) {
        this(context, parts, null);
    }

    private SparkPartitions(JavaSparkContext context, JavaRDD<T> parts, Broadcast<?> madeWith) {
        this.context = context;
        this.parts = parts;
        this.madeWith = madeWith;
    }

    @Override
    public <S extends Serializable, R extends Serializable> List<R> map(S shared, PartFunction<? super T, S, R> fn) {
        Broadcast<S> sent = shared == null ? null : context.broadcast(shared);
        try {
            return parts.mapPartitionsWithIndex((index, it) -> one(fn.apply(only(it), sent == null ? null : sent.value(), index)),
                    true).collect();
        } finally {
            if (sent != null) sent.destroy();
        }
    }

    @Override
    public <S extends Serializable, U> Partitions<U> derive(S shared, PartFunction<? super T, S, U> fn) {
        Broadcast<S> sent = shared == null ? null : context.broadcast(shared);
        JavaRDD<U> derived = parts.mapPartitionsWithIndex(
                (index, it) -> one(fn.apply(only(it), sent == null ? null : sent.value(), index)), true);
        // Kept deserialized where made; a lost executor's parts are made again from their lineage.
        derived.persist(StorageLevel.MEMORY_ONLY());
        return new SparkPartitions<>(context, derived, sent);
    }

    @Override
    public void release() {
        parts.unpersist(false);
        if (madeWith != null) madeWith.destroy();
    }

    /** The partition's one element; the iterator is run to its end, which releases Spark's lock on a cached block. */
    private static <T> T only(Iterator<T> it) {
        T part = it.next();
        while (it.hasNext()) it.next();
        return part;
    }

    private static <R> Iterator<R> one(R value) {
        return Collections.singletonList(value).iterator();
    }
}

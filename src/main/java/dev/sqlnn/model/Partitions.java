package dev.sqlnn.model;

import java.io.Serializable;
import java.util.List;

/**
 * The parts of a table held in several places (Spark's executors), and the one way to compute on them:
 * run a function where each part is and bring the results back. {@link DistributedTrainer} trains on
 * this, so that the training knows nothing of Spark; a front door implements it over its cluster.
 *
 * @param <T> what each part holds
 */
public interface Partitions<T> {

    /** A function run where a part is, with a value sent to each place once; {@code index} numbers the parts from 0. */
    @FunctionalInterface
    interface PartFunction<T, S, R> extends Serializable {
        R apply(T part, S shared, int index) throws Exception;
    }

    /** Runs {@code fn} on every part; the results in part order. */
    <S extends Serializable, R extends Serializable> List<R> map(S shared, PartFunction<? super T, S, R> fn);

    /** New parts made from these by {@code fn}, each kept where it was made for later {@link #map}s. */
    <S extends Serializable, U> Partitions<U> derive(S shared, PartFunction<? super T, S, U> fn);

    /** Lets go of what the parts keep. */
    void release();
}

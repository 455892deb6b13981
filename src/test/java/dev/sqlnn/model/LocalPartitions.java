package dev.sqlnn.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** {@link Partitions} as a list in this JVM: the distributed training's logic without a cluster. */
final class LocalPartitions<T> implements Partitions<T> {

    private final List<T> parts;

    LocalPartitions(List<T> parts) {
        this.parts = parts;
    }

    @Override
    public <S extends Serializable, R extends Serializable> List<R> map(S shared, PartFunction<? super T, S, R> fn) {
        List<R> results = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            try {
                results.add(fn.apply(parts.get(i), shared, i));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return results;
    }

    @Override
    public <S extends Serializable, U> Partitions<U> derive(S shared, PartFunction<? super T, S, U> fn) {
        List<U> derived = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            try {
                derived.add(fn.apply(parts.get(i), shared, i));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return new LocalPartitions<>(derived);
    }

    @Override
    public void release() {
    }
}

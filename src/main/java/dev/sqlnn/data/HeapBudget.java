package dev.sqlnn.data;

/**
 * The share of the JVM's heap that one training query's rows may take. The database's JVM is often an
 * application's own: a query larger than the heap must end in an error naming the limit, not in an
 * {@link OutOfMemoryError} that any thread of that application could meet first.
 *
 * <p>Charges are made before each allocation and count both arrays while one is copied into the other.
 */
final class HeapBudget {

    /** Half the heap: the rest is for the network, its optimizer state and the application. */
    static final double DATA_SHARE = 0.5;

    private final long limit;
    private final long heap;
    private long charged;

    HeapBudget(long limit, long heap) {
        this.limit = limit;
        this.heap = heap;
    }

    /** {@link #DATA_SHARE} of this JVM's maximum heap. */
    static HeapBudget ofThisJvm() {
        long heap = Runtime.getRuntime().maxMemory();
        return new HeapBudget((long) (heap * DATA_SHARE), heap);
    }

    /** Replaces an array of {@code oldBytes} by one of {@code newBytes}, refusing if both would not fit. */
    void charge(long oldBytes, long newBytes) {
        if (charged + newBytes > limit) throw new HeapLimitException(charged + newBytes, limit, heap);
        charged += newBytes - oldBytes;
    }

    long charged() {
        return charged;
    }
}

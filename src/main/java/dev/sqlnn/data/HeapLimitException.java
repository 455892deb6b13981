package dev.sqlnn.data;

/**
 * Work that would not fit the JVM's heap, refused before allocating it: training rows beyond
 * {@link HeapBudget#DATA_SHARE} of the heap, or a network too large to train. The SQL layer turns it
 * into an {@code SQLException} with SQLState {@code 53200} (out of memory).
 */
public class HeapLimitException extends RuntimeException {

    HeapLimitException(long neededBytes, long limitBytes, long heapBytes) {
        super(String.format("they would need %,d MB, more than the %,d MB (%d%% of this JVM's %,d MB heap)"
                        + " that training rows may take", neededBytes >> 20, limitBytes >> 20,
                Math.round(HeapBudget.DATA_SHARE * 100), heapBytes >> 20));
    }

    public HeapLimitException(String message) {
        super(message);
    }
}

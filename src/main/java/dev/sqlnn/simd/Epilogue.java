package dev.sqlnn.simd;

/**
 * Work a matrix product does on each finished piece of C while it is still in cache: a layer's
 * bias and activation, which would otherwise be a second pass over the whole output.
 */
@FunctionalInterface
public interface Epilogue {

    /**
     * Finishes {@code c[off..off+n)}, the final values of columns {@code [column, column+n)} of one
     * row of C. Called once for every element of C, from the thread that computed it.
     */
    void finish(float[] c, int off, int column, int n);
}

package dev.sqlnn.simd;

/**
 * The numeric kernels that training and scoring spend their time in.
 *
 * <p>Matrices are row-major {@code float[]} with an explicit leading dimension (the distance
 * between the starts of two rows). Implementations must give the same results as
 * {@link ScalarKernels} up to float rounding (SIMD changes the order of summation).
 * Kernels are single-threaded; {@link MatMul} splits a product across cores.
 */
public interface Kernels {

    /** A short description for logs and {@code ML_INFO()}, e.g. {@code "Vector API, 512-bit"}. */
    String description();

    /**
     * Computes columns {@code [n0, n1)} of {@code C = op(A) · op(B)}, or adds the product to C
     * when {@code accumulate} is set.
     *
     * <p>{@code op(A)} is m×k: A itself (stored m×k, leading dimension {@code lda}) or, when
     * {@code transA}, the transpose of A stored k×m. {@code op(B)} is k×n: B (stored k×n) or,
     * when {@code transB}, the transpose of B stored n×k. C is m×n with leading dimension
     * {@code ldc}. Each element of C is summed over k in the same order whatever the column
     * range, so splitting columns across threads gives bit-identical results.
     */
    default void gemm(boolean transA, boolean transB, int m, int n0, int n1, int k,
                      float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n0, n1, k, a, lda, b, ldb, c, ldc, accumulate, null);
    }

    /**
     * {@link #gemm(boolean, boolean, int, int, int, int, float[], int, float[], int, float[], int, boolean)}
     * that hands each finished piece of C to {@code epilogue} (when not null) while it is in cache.
     */
    void gemm(boolean transA, boolean transB, int m, int n0, int n1, int k,
              float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate, Epilogue epilogue);

    /** {@code y[yOff..yOff+n) += alpha * x[xOff..xOff+n)}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * A sparse row times a matrix: {@code y[yOff..yOff+n) += Σ_t values[t] · w[wOff + rows[t]·stride ..
     * wOff + rows[t]·stride + n)} for {@code from <= t < to}, summed in {@code t} order with one fused
     * multiply-add per term, so it equals {@code to - from} calls of {@link #axpy} bit for bit, however
     * the columns are split into calls ({@code wOff} and {@code yOff} select a block of them).
     */
    void sparseRowTimesMatrix(float[] values, int[] rows, int from, int to, float[] w, int wOff, int stride,
                              float[] y, int yOff, int n);

    /** How many of {@code x[xOff..xOff+n)} are not zero: whether a layer's inputs are worth gathering. */
    int countNonZeros(float[] x, int xOff, int n);

    /**
     * Copies the non-zero elements of {@code x[xOff..xOff+n)} to {@code values[out..)}, in order, and
     * their indices (from 0) to {@code indices[out..)}; returns how many there are. May write
     * anything to {@code values} and {@code indices} up to {@code out + n}.
     */
    int gatherNonZeros(float[] x, int xOff, int n, float[] values, int[] indices, int out);

    /**
     * A ReLU's derivative applied to a gradient: {@code grad[i] = 0} where {@code output[i] <= 0}, for
     * {@code from <= i < to}. Half the units are off in no predictable pattern, so a branch per unit
     * would be mispredicted half the time.
     */
    void reluBackward(float[] grad, float[] output, int from, int to);

    /** {@code x[i] = f(x[i])} for {@code from <= i < to}: a hidden layer's activation, in place. */
    void activate(ElementwiseActivation f, float[] x, int from, int to);

    /**
     * {@code grad[i] *= f'(z_i)} for {@code from <= i < to}, where {@code saved[i]} is the unit's output
     * {@code f(z_i)}, or its input {@code z_i} when {@link ElementwiseActivation#derivativeFromInput()}.
     */
    void activationBackward(ElementwiseActivation f, float[] grad, float[] saved, int from, int to);

    /** The dot product of {@code x[xOff..xOff+n)} and {@code y[yOff..yOff+n)}. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * One Adam step over parameters {@code [from, to)}, in place: with the L2-augmented gradient
     * {@code g' = g + l2·w}, {@code m = β1·m + (1-β1)·g'}, {@code v = β2·v + (1-β2)·g'²},
     * {@code w -= stepSize · m / (sqrt(v) + epsilonHat)}, where the caller folds Adam's bias
     * corrections into {@code stepSize} and {@code epsilonHat}.
     *
     * <p>Moments smaller in magnitude than {@link #MOMENT_FLOOR} are set to zero: the JVM cannot
     * flush subnormal floats, and arithmetic on them is several times slower on x86.
     */
    void adam(float[] w, float[] g, float[] m, float[] v, int from, int to,
              float stepSize, float beta1, float beta2, float epsilonHat, float l2);

    /**
     * One momentum step over parameters {@code [from, to)}: {@code vel = μ·vel - lr·g'}; plain momentum then {@code w += vel},
     * Nesterov {@code w += μ·vel - lr·g'}; with {@code g' = g + l2·w}. With {@code μ = 0} this
     * is plain SGD. Velocities below {@link #MOMENT_FLOOR} are flushed to zero.
     */
    void momentum(float[] w, float[] g, float[] vel, int from, int to,
                  float learningRate, float mu, boolean nesterov, float l2);

    /**
     * Smallest optimizer state magnitude kept; smaller values become 0. Far above the largest
     * subnormal float (about 1.2e-38) yet far below any value that changes a weight.
     */
    float MOMENT_FLOOR = 1e-30f;
}

package dev.sqlnn.simd;

/**
 * Plain-Java kernels: the reference that {@code VectorKernels} must match, and the fallback when
 * the JVM runs without {@code jdk.incubator.vector}. Loop orders are chosen so that the JIT can
 * auto-vectorise the inner loops.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String description() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n0, int n1, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate, Epilogue epilogue) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, i * ldc + n0, i * ldc + n1, 0f);
            }
        }
        for (int i = 0; i < m; i++) {
            int ci = i * ldc;
            if (transB) {
                // op(B)(p, j) = b[j*ldb + p]: each C element is a dot product of two contiguous runs
                // when A is not transposed.
                for (int j = n0; j < n1; j++) {
                    float sum = 0f;
                    int bj = j * ldb;
                    for (int p = 0; p < k; p++) {
                        sum += opA(transA, a, lda, i, p) * b[bj + p];
                    }
                    c[ci + j] += sum;
                }
            } else {
                // i-p-j order: the inner loop runs along contiguous rows of B and C.
                for (int p = 0; p < k; p++) {
                    float aip = opA(transA, a, lda, i, p);
                    int bp = p * ldb;
                    for (int j = n0; j < n1; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
            if (epilogue != null && n1 > n0) epilogue.finish(c, ci + n0, n0, n1 - n0);
        }
    }

    private static float opA(boolean transA, float[] a, int lda, int i, int p) {
        return transA ? a[p * lda + i] : a[i * lda + p];
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void sparseRowTimesMatrix(float[] values, int[] rows, int from, int to, float[] w, int wOff, int stride,
                                     float[] y, int yOff, int n) {
        for (int t = from; t < to; t++) {
            axpy(values[t], w, wOff + rows[t] * stride, y, yOff, n);
        }
    }

    @Override
    public int countNonZeros(float[] x, int xOff, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) count += x[xOff + i] != 0f ? 1 : 0;
        return count;
    }

    @Override
    public int gatherNonZeros(float[] x, int xOff, int n, float[] values, int[] indices, int out) {
        return gatherNonZeros(x, xOff, n, values, indices, out, 0);
    }

    /** {@link #gatherNonZeros} with indices counted from {@code first}: for the vector kernel's tail. */
    int gatherNonZeros(float[] x, int xOff, int n, float[] values, int[] indices, int out, int first) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            // Written always, kept by counting: no branch to mispredict on the units after a ReLU.
            float v = x[xOff + i];
            values[out + count] = v;
            indices[out + count] = first + i;
            count += v != 0f ? 1 : 0;
        }
        return count;
    }

    @Override
    public void reluBackward(float[] grad, float[] output, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(output[i] > 0f)) grad[i] = 0f;
        }
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int from, int to,
                     float stepSize, float beta1, float beta2, float epsilonHat, float l2) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float grad = g[i] + l2 * w[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * grad;
            float vi = beta2 * v[i] + oneMinusBeta2 * grad * grad;
            mi = Math.abs(mi) < MOMENT_FLOOR ? 0f : mi;
            vi = vi < MOMENT_FLOOR ? 0f : vi;
            m[i] = mi;
            v[i] = vi;
            w[i] -= stepSize * mi / ((float) Math.sqrt(vi) + epsilonHat);
        }
    }

    @Override
    public void momentum(float[] w, float[] g, float[] vel, int from, int to,
                         float learningRate, float mu, boolean nesterov, float l2) {
        for (int i = from; i < to; i++) {
            float grad = g[i] + l2 * w[i];
            float vi = mu * vel[i] - learningRate * grad;
            vi = Math.abs(vi) < MOMENT_FLOOR ? 0f : vi;
            vel[i] = vi;
            w[i] += nesterov ? mu * vi - learningRate * grad : vi;
        }
    }
}

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
    public void activate(ElementwiseActivation f, float[] x, int from, int to) {
        switch (f) {
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) x[i] = leakyRelu(x[i]);
            }
            case ELU -> {
                for (int i = from; i < to; i++) x[i] = elu(x[i], ElementwiseActivation.ELU_ALPHA);
            }
            case SELU -> {
                for (int i = from; i < to; i++) {
                    x[i] = ElementwiseActivation.SELU_LAMBDA * elu(x[i], ElementwiseActivation.SELU_ALPHA);
                }
            }
            case GELU -> {
                for (int i = from; i < to; i++) x[i] = x[i] * geluSigmoid(x[i]);
            }
            case SOFTPLUS -> {
                for (int i = from; i < to; i++) x[i] = softplus(x[i]);
            }
        }
    }

    @Override
    public void activationBackward(ElementwiseActivation f, float[] grad, float[] saved, int from, int to) {
        switch (f) {
            case LEAKY_RELU -> {
                for (int i = from; i < to; i++) grad[i] *= saved[i] > 0f ? 1f : ElementwiseActivation.LEAKY_SLOPE;
            }
            case ELU -> {
                // below 0, f' = α·eᶻ = f(z) + α
                for (int i = from; i < to; i++) grad[i] *= saved[i] > 0f ? 1f : saved[i] + ElementwiseActivation.ELU_ALPHA;
            }
            case SELU -> {
                float lambdaAlpha = ElementwiseActivation.SELU_LAMBDA * ElementwiseActivation.SELU_ALPHA;
                for (int i = from; i < to; i++) {
                    grad[i] *= saved[i] > 0f ? ElementwiseActivation.SELU_LAMBDA : saved[i] + lambdaAlpha;
                }
            }
            case GELU -> {
                for (int i = from; i < to; i++) grad[i] *= geluDerivative(saved[i]);
            }
            case SOFTPLUS -> {
                // f' = σ(z) = 1 - e^-f(z)
                for (int i = from; i < to; i++) grad[i] *= 1f - exp(-saved[i]);
            }
        }
    }

    static float leakyRelu(float z) {
        return z > 0f ? z : ElementwiseActivation.LEAKY_SLOPE * z;
    }

    static float elu(float z, float alpha) {
        return z > 0f ? z : alpha * (exp(z) - 1f);
    }

    /** GELU's {@code σ(2u)}, {@code u = C·z·(1 + K·z²)}: GELU is {@code z} times it. */
    static float geluSigmoid(float z) {
        float u2 = -2f * ElementwiseActivation.GELU_C * z * (1f + ElementwiseActivation.GELU_K * (z * z));
        return 1f / (1f + exp(u2));
    }

    /** d/dz of {@code z·s}, {@code s = σ(2u)}: {@code s + z·s·(1 - s)·2C·(1 + 3K·z²)}. */
    static float geluDerivative(float z) {
        float s = geluSigmoid(z);
        float du = 2f * ElementwiseActivation.GELU_C * (1f + 3f * ElementwiseActivation.GELU_K * (z * z));
        return s + z * (s * (1f - s)) * du;
    }

    static float softplus(float z) {
        return Math.max(z, 0f) + log1pUnit(exp(-Math.abs(z)));
    }

    // The exponential and logarithm below are Cephes' expf and logf (S. L. Moshier), plain multiplies
    // and adds in a fixed order that VectorKernels repeats lane by lane.

    static final float EXP_LOWEST = -87.3f;
    /** Above this, 2ⁿ no longer fits a float's exponent: e^88 ≈ 1.65e38 is as large as f needs. */
    static final float EXP_HIGHEST = 88f;
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 in two parts; the first has 9 significant bits, so that n·LN2_HIGH is exact. */
    static final float LN2_HIGH = 0.693359375f;
    static final float LN2_LOW = -2.12194440e-4f;
    /** Adding and subtracting 1.5·2²³ rounds a float below 2²² to the nearest integer. */
    static final float ROUNDER = 12582912f;
    static final float[] EXP_POLYNOMIAL = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
            4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
    static final float SQRT2_MINUS_1 = 0.41421356f;
    static final float[] LOG_POLYNOMIAL = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f,
            -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f,
            3.3333331174e-1f};

    /** eˣ within about 2 ulp, for x clamped to [{@link #EXP_LOWEST}, {@link #EXP_HIGHEST}]. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LOWEST), EXP_HIGHEST);
        float n = x * LOG2E + ROUNDER - ROUNDER;
        float r = x - n * LN2_HIGH;
        r = r - n * LN2_LOW;
        float p = EXP_POLYNOMIAL[0];
        for (int c = 1; c < EXP_POLYNOMIAL.length; c++) p = p * r + EXP_POLYNOMIAL[c];
        float y = p * (r * r) + r + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** ln(1 + t) for t in [0, 1], without forming 1 + t (which would round a small t away). */
    static float log1pUnit(float t) {
        boolean upper = t > SQRT2_MINUS_1;
        float x = upper ? (t - 1f) * 0.5f : t; // ln(1 + t) = ln 2 + ln(1 + x) with x = (1 + t)/2 - 1
        float e = upper ? 1f : 0f;
        float z = x * x;
        float y = LOG_POLYNOMIAL[0];
        for (int c = 1; c < LOG_POLYNOMIAL.length; c++) y = y * x + LOG_POLYNOMIAL[c];
        y = y * (x * z);
        y = y + LN2_LOW * e;
        y = y - 0.5f * z;
        return x + y + LN2_HIGH * e;
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

package dev.sqlnn.simd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the Vector API kernels against the scalar reference on awkward sizes (edges of every
 * micro-tile and cache block), with a tolerance that grows with the summed length.
 */
class KernelsTest {

    /** Up to 3 compute threads, whatever this machine has: more parts than cores must give the same bits too. */
    private static final WorkerPool POOL = new WorkerPool(3);

    private static final int[] AWKWARD = {1, 3, 7, 15, 16, 17, 31, 33, 64, 65, 127, 257};

    private static Kernels vector() {
        Kernels v = KernelProvider.vectorOrNull();
        assumeTrue(v != null, "jdk.incubator.vector is not readable in this JVM");
        return v;
    }

    static Stream<Arguments> gemmShapes() {
        Stream.Builder<Arguments> shapes = Stream.builder();
        int[] ms = {1, 5, 6, 7, 13, 64, 241};
        int[] ns = {1, 10, 16, 17, 63, 64, 65, 130};
        int[] ks = {1, 7, 33, 255, 256, 257, 600};
        Random r = new Random(7);
        for (int m : ms) {
            for (int n : ns) {
                int k = ks[r.nextInt(ks.length)];
                shapes.add(Arguments.of(m, n, k, r.nextBoolean(), r.nextBoolean()));
            }
        }
        shapes.add(Arguments.of(64, 1024, 784, false, false));
        shapes.add(Arguments.of(784, 1024, 64, true, false));
        shapes.add(Arguments.of(64, 784, 1024, false, true));
        // A·Bᵀ with A of at most one panel of rows, computed as (B·Aᵀ)ᵀ: partial slivers of six B rows, several depth blocks.
        shapes.add(Arguments.of(64, 130, 600, false, true));
        shapes.add(Arguments.of(13, 17, 257, false, true));
        shapes.add(Arguments.of(1, 5, 3, false, true));
        shapes.add(Arguments.of(65, 100, 300, false, true));
        return shapes.build();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemmMatchesScalar(int m, int n, int k, boolean transA, boolean transB) {
        Kernels vector = vector();
        Random r = new Random(m * 31L + n * 17L + k);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] expected = random(new Random(1), m * n);
            float[] actual = expected.clone();
            KernelProvider.scalar().gemm(transA, transB, m, 0, n, k, a, lda, b, ldb, expected, n, accumulate);
            vector.gemm(transA, transB, m, 0, n, k, a, lda, b, ldb, actual, n, accumulate);
            assertClose(expected, actual, k);
        }
    }

    /**
     * The epilogue sees every element of C exactly once, after its sum is complete: on every path of
     * the vector kernel (several depth blocks, more rows than one packed block, the short A·Bᵀ, k = 0),
     * in the scalar kernel, and split across threads by columns.
     */
    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("epilogueShapes")
    void epilogueFinishesEveryElementOnceWithItsFinalValue(int m, int n, int k, boolean transA, boolean transB) {
        Random r = new Random(m * 13L + n * 7L + k);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.kernels()}) {
            for (int threads : new int[] {1, 2}) {
                float[] plain = new float[m * n];
                kernels.gemm(transA, transB, m, 0, n, k, a, lda, b, ldb, plain, n, false);
                float[] finished = new float[m * n];
                int[] visits = new int[m * n];
                Epilogue epilogue = (c, off, column, count) -> {
                    for (int j = 0; j < count; j++) {
                        int at = off + j;
                        assertEquals(column + j, at % n, "the column handed over is the element's");
                        visits[at]++;
                        c[at] = c[at] * 2f + (column + j);
                    }
                };
                {
                    MatMul matMul = new MatMul(kernels, threads, POOL);
                    matMul.gemm(transA, transB, m, n, k, a, lda, b, ldb, finished, n, false, epilogue);
                }
                for (int i = 0; i < m * n; i++) {
                    String where = kernels.description() + ", " + threads + " threads, element " + i;
                    assertEquals(1, visits[i], where);
                    assertEquals(plain[i] * 2f + i % n, finished[i], where);
                }
            }
        }
    }

    static Stream<Arguments> epilogueShapes() {
        return Stream.of(
                Arguments.of(64, 1024, 784, false, false), // the forward shape: four depth blocks, two threads' columns
                Arguments.of(250, 130, 300, false, false),  // more rows than one packed block of A, a partial panel
                Arguments.of(13, 70, 600, true, false),
                Arguments.of(64, 130, 600, false, true),    // the short A·Bᵀ path
                Arguments.of(7, 65, 0, false, false));      // no depth: C is zeros, still finished
    }

    @Test
    void gemmColumnRangeLeavesOtherColumnsAlone() {
        Kernels vector = vector();
        Random r = new Random(3);
        int m = 9, n = 200, k = 40;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, 42f);
        vector.gemm(false, false, m, 64, 150, k, a, k, b, n, c, n, false);
        float[] expected = new float[m * n];
        KernelProvider.scalar().gemm(false, false, m, 0, n, k, a, k, b, n, expected, n, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = c[i * n + j];
                if (j < 64 || j >= 150) {
                    assertEquals(42f, v, "column " + j + " is outside the range and must not change");
                } else {
                    assertEquals(expected[i * n + j], v, 1e-4f * k);
                }
            }
        }
    }

    /** A·Bᵀ sums each element in the same order as A·(Bᵀ written out): the same bits, on 1 and 2 threads. */
    @Test
    void aTransposedProductEqualsThePlainProductOfTheTransposeBitForBit() {
        Kernels kernels = KernelProvider.kernels();
        Random r = new Random(5);
        int m = 64, n = 1000, k = 530;
        float[] a = random(r, m * k);
        float[] b = random(r, n * k); // n × k: op(B) = Bᵀ
        float[] bt = new float[k * n];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) bt[p * n + j] = b[j * k + p];
        }
        for (int threads = 1; threads <= 2; threads++) {
            float[] transposed = new float[m * n];
            float[] plain = new float[m * n];
            {
                MatMul matMul = new MatMul(kernels, threads, POOL);
                matMul.gemm(false, true, m, n, k, a, k, b, k, transposed, n, false);
                matMul.gemm(false, false, m, n, k, a, k, bt, n, plain, n, false);
            }
            assertTrue(java.util.Arrays.equals(plain, transposed), threads + " thread(s)");
        }
    }

    @Test
    void matMulIsBitIdenticalForAnyThreadCount() {
        Kernels kernels = KernelProvider.kernels();
        Random r = new Random(11);
        int m = 64, n = 1000, k = 300;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] one = new float[m * n];
        float[] two = new float[m * n];
        float[] three = new float[m * n];
        new MatMul(kernels, 1, POOL).gemm(false, false, m, n, k, a, k, b, n, one, n, false);
        new MatMul(kernels, 2, POOL).gemm(false, false, m, n, k, a, k, b, n, two, n, false);
        new MatMul(kernels, 3, POOL).gemm(false, false, m, n, k, a, k, b, n, three, n, false);
        assertTrue(java.util.Arrays.equals(one, two) && java.util.Arrays.equals(one, three));
    }

    @Test
    void vectorOpsMatchScalar() {
        Kernels vector = vector();
        Kernels scalar = KernelProvider.scalar();
        for (int n : AWKWARD) {
            Random r = new Random(n);
            float[] x = random(r, n + 3);
            float[] y = random(r, n + 5);
            assertEquals(scalar.dot(x, 3, y, 5, n), vector.dot(x, 3, y, 5, n), 1e-5f * n);
            float[] ys = y.clone();
            float[] yv = y.clone();
            scalar.axpy(0.37f, x, 3, ys, 5, n);
            vector.axpy(0.37f, x, 3, yv, 5, n);
            assertClose(ys, yv, 1);
        }
    }

    @Test
    void sparseRowTimesMatrixEqualsRepeatedAxpyExactly() {
        for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.kernels()}) {
            for (int n : AWKWARD) {
                Random r = new Random(n);
                int inputs = 40;
                float[] w = random(r, inputs * n + 3);
                int[] rows = {0, 3, 4, 17, 39};
                float[] values = {0.5f, -1.25f, 2f, 0.03f, -0.7f};
                float[] initial = random(r, n + 2);
                float[] expected = initial.clone();
                float[] expectedSlice = initial.clone(); // terms 1 to 3 only
                for (int t = 0; t < rows.length; t++) {
                    kernels.axpy(values[t], w, rows[t] * n, expected, 2, n);
                    if (t >= 1 && t < 4) kernels.axpy(values[t], w, rows[t] * n, expectedSlice, 2, n);
                }
                float[] whole = initial.clone();
                kernels.sparseRowTimesMatrix(values, rows, 0, rows.length, w, 0, n, whole, 2, n);
                assertTrue(java.util.Arrays.equals(expected, whole), kernels.description() + ", n=" + n);

                // The same sums in column blocks of 64 (from w's and y's offsets), and over a slice of the terms.
                float[] blocked = initial.clone();
                float[] slice = initial.clone();
                for (int c = 0; c < n; c += 64) {
                    int width = Math.min(64, n - c);
                    kernels.sparseRowTimesMatrix(values, rows, 0, rows.length, w, c, n, blocked, 2 + c, width);
                    kernels.sparseRowTimesMatrix(values, rows, 1, 4, w, c, n, slice, 2 + c, width);
                }
                assertTrue(java.util.Arrays.equals(expected, blocked), kernels.description() + ", blocked, n=" + n);
                assertTrue(java.util.Arrays.equals(expectedSlice, slice), kernels.description() + ", slice, n=" + n);
            }
        }
    }

    @Test
    void gatherNonZerosKeepsEveryNonZeroInOrderAndCountNonZerosCountsThem() {
        for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.kernels()}) {
            for (int n : AWKWARD) {
                for (double share : new double[] {0, 0.2, 0.6, 1}) {
                    Random r = new Random(n * 7L + (long) (share * 10));
                    float[] x = new float[n + 5];
                    for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < share ? r.nextFloat() + 0.5f : 0f;
                    if (n > 3) x[4] = Float.NaN; // not zero: kept
                    if (n > 4) x[5] = -0f; // zero: skipped
                    float[] values = new float[n + 9];
                    int[] indices = new int[n + 9];
                    int count = kernels.gatherNonZeros(x, 2, n, values, indices, 3);
                    int expected = 0;
                    for (int i = 0; i < n; i++) {
                        if (x[2 + i] != 0f) {
                            assertEquals(i, indices[3 + expected], kernels.description() + ", n=" + n);
                            assertEquals(Float.floatToRawIntBits(x[2 + i]), Float.floatToRawIntBits(values[3 + expected]));
                            expected++;
                        }
                    }
                    assertEquals(expected, count, kernels.description() + ", n=" + n + ", share " + share);
                    assertEquals(expected, kernels.countNonZeros(x, 2, n), kernels.description() + ", count, n=" + n + ", share " + share);
                }
            }
        }
    }

    /**
     * The element-wise activations: the Vector API kernel equals the scalar one bit for bit (both run the
     * same float polynomials in the same order), over awkward lengths and offsets, on inputs that reach
     * the exponential's clamps and the special values; and both are within a few float ulps of the
     * functions computed in double with the JDK's maths.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(ElementwiseActivation.class)
    void elementwiseActivationsMatchScalarAndDoubleReference(ElementwiseActivation f) {
        Kernels vector = vector();
        Kernels scalar = KernelProvider.scalar();
        for (int n : AWKWARD) {
            Random r = new Random(n * 13L + f.ordinal());
            float[] z = new float[n + 4];
            for (int i = 0; i < z.length; i++) z[i] = (float) (r.nextGaussian() * (i % 5 == 0 ? 40 : 3));
            if (n > 4) {
                z[3] = 0f;
                z[4] = -0f;
                z[5] = 1e-20f;
            }
            if (n > 8) {
                z[6] = 200f;
                z[7] = -200f;
                z[8] = Float.NaN;
            }
            float[] ys = z.clone();
            float[] yv = z.clone();
            scalar.activate(f, ys, 2, n + 2);
            vector.activate(f, yv, 2, n + 2);
            assertTrue(java.util.Arrays.equals(ys, yv), f + " forward, n=" + n);
            for (int i = 2; i < n + 2; i++) {
                if (Float.isNaN(z[i])) {
                    assertTrue(Float.isNaN(ys[i]), f + "(NaN)");
                    continue;
                }
                double expected = reference(f, z[i]);
                assertEquals(expected, ys[i], 4e-7 * Math.max(1, Math.abs(expected)) + 1e-30, f + "(" + z[i] + ")");
            }

            float[] saved = f.derivativeFromInput() ? z : ys;
            float[] gs = random(r, n + 4);
            float[] gv = gs.clone();
            float[] g = gs.clone();
            scalar.activationBackward(f, gs, saved, 2, n + 2);
            vector.activationBackward(f, gv, saved, 2, n + 2);
            assertTrue(java.util.Arrays.equals(gs, gv), f + " backward, n=" + n);
            for (int i = 2; i < n + 2; i++) {
                if (Float.isNaN(z[i]) || Math.abs(z[i]) > 80) continue;
                double expected = g[i] * referenceDerivative(f, z[i]);
                assertEquals(expected, gs[i], 2e-5 * Math.max(1, Math.abs(expected)), f + "'(" + z[i] + ")");
            }
        }
    }

    private static double reference(ElementwiseActivation f, double z) {
        return switch (f) {
            case LEAKY_RELU -> z > 0 ? z : 0.01 * z;
            case ELU -> z > 0 ? z : Math.expm1(z);
            case SELU -> 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * Math.expm1(z));
            case GELU -> 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
            case SOFTPLUS -> Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        };
    }

    private static double referenceDerivative(ElementwiseActivation f, double z) {
        return switch (f) {
            case LEAKY_RELU -> z > 0 ? 1 : 0.01;
            case ELU -> z > 0 ? 1 : Math.exp(z);
            case SELU -> 1.0507009873554805 * (z > 0 ? 1 : 1.6732632423543772 * Math.exp(z));
            case GELU -> {
                double c = Math.sqrt(2 / Math.PI);
                double t = Math.tanh(c * (z + 0.044715 * z * z * z));
                yield 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z);
            }
            case SOFTPLUS -> 1 / (1 + Math.exp(-z));
        };
    }

    @Test
    void reluBackwardZeroesTheGradientWhereTheUnitIsOff() {
        for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.kernels()}) {
            for (int n : AWKWARD) {
                Random r = new Random(n);
                float[] output = random(r, n + 3);
                for (int i = 0; i < output.length; i++) output[i] = Math.max(0f, output[i]); // a ReLU's outputs
                if (n > 2) output[2] = Float.NaN;
                float[] grad = random(r, n + 3);
                float[] expected = grad.clone();
                for (int i = 1; i < n + 1; i++) expected[i] = output[i] > 0f ? grad[i] : 0f;
                kernels.reluBackward(grad, output, 1, n + 1);
                assertTrue(java.util.Arrays.equals(expected, grad), kernels.description() + ", n=" + n);
            }
        }
    }

    @Test
    void optimizerStepsMatchScalarAndFlushTinyMoments() {
        Kernels vector = vector();
        Kernels scalar = KernelProvider.scalar();
        for (int n : AWKWARD) {
            Random r = new Random(n);
            float[] w = random(r, n);
            float[] g = random(r, n);
            g[0] = 1e-25f; // its square, 1e-50, would be subnormal (and then zero) in float
            float[][] s = {w.clone(), new float[n], new float[n]};
            float[][] v = {w.clone(), new float[n], new float[n]};
            for (int step = 0; step < 3; step++) {
                scalar.adam(s[0], g, s[1], s[2], 0, n, 0.001f, 0.9f, 0.999f, 1e-8f, 0.01f);
                vector.adam(v[0], g, v[1], v[2], 0, n, 0.001f, 0.9f, 0.999f, 1e-8f, 0.01f);
            }
            for (int i = 0; i < 3; i++) assertClose(s[i], v[i], 1);
            assertNoSubnormals(v[1]);
            assertNoSubnormals(v[2]);

            float[] ws = w.clone(), wv = w.clone(), vs = new float[n], vv = new float[n];
            for (boolean nesterov : new boolean[] {false, true}) {
                scalar.momentum(ws, g, vs, 0, n, 0.01f, 0.9f, nesterov, 0.001f);
                vector.momentum(wv, g, vv, 0, n, 0.01f, 0.9f, nesterov, 0.001f);
            }
            assertClose(ws, wv, 1);
            assertClose(vs, vv, 1);
        }
    }

    static void assertNoSubnormals(float[] values) {
        for (int i = 0; i < values.length; i++) {
            float a = Math.abs(values[i]);
            assertTrue(a == 0f || a >= Float.MIN_NORMAL, "subnormal at " + i + ": " + values[i]);
        }
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian());
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, int summedLength) {
        float tolerance = 1e-5f * (float) Math.sqrt(summedLength) * 8;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float d = Math.abs(e - actual[i]);
            assertTrue(d <= tolerance * Math.max(1f, Math.abs(e)),
                    "element " + i + ": expected " + e + ", got " + actual[i] + " (length " + summedLength + ")");
        }
    }
}

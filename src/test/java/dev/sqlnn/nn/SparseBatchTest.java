package dev.sqlnn.nn;

import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.Kernels;
import dev.sqlnn.simd.MatMul;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse products against plain dense sums in double precision, at widths that do and do not
 * fill whole vectors and column blocks, with rows and columns that are entirely zero; and the same
 * bits whatever the thread count.
 */
class SparseBatchTest {

    @ParameterizedTest(name = "{0} rows, {1} inputs, {2} outputs")
    @CsvSource({"1, 1, 1", "7, 13, 3", "64, 784, 1024", "5, 300, 130", "33, 2000, 70"})
    void productsEqualDenseSums(int rows, int width, int outWidth) {
        SplittableRandom random = new SplittableRandom(rows * 31L + width);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) x[i] = random.nextDouble() < 0.2 ? (float) random.nextDouble(-2, 2) : 0f;
        if (rows > 1) java.util.Arrays.fill(x, 0, width, 0f); // a row with no non-zero input at all
        float[] w = randoms(random, width * outWidth);
        float[] bias = randoms(random, outWidth);
        float[] delta = randoms(random, rows * outWidth);

        for (Kernels kernels : new Kernels[] {KernelProvider.scalar(), KernelProvider.kernels()}) {
            float[][] results = new float[2][];
            float[][] gradients = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                SparseBatch sparse = new SparseBatch(kernels, rows, width);
                {
                    MatMul matMul = Engine.compute(kernels, threads);
                    assertTrue(sparse.gather(x, rows, width, matMul), "a fifth non-zero is sparse enough");
                    float[] out = new float[rows * outWidth];
                    sparse.times(w, bias, outWidth, Activation.IDENTITY, out, null, matMul);
                    float[] grad = new float[width * outWidth];
                    java.util.Arrays.fill(grad, Float.NaN); // every element must be written
                    sparse.transposeTimes(delta, outWidth, grad, matMul);
                    results[threads - 1] = out;
                    gradients[threads - 1] = grad;
                }
            }
            assertArrayEquals(results[0], results[1], "the same bits on 1 and 2 threads");
            assertArrayEquals(gradients[0], gradients[1], "the same bits on 1 and 2 threads");
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < outWidth; j++) {
                    double sum = bias[j];
                    for (int i = 0; i < width; i++) sum += (double) x[r * width + i] * w[i * outWidth + j];
                    assertEquals(sum, results[0][r * outWidth + j], 1e-4 * (1 + Math.abs(sum)), kernels.description());
                }
            }
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < outWidth; j++) {
                    double sum = 0;
                    for (int r = 0; r < rows; r++) sum += (double) x[r * width + i] * delta[r * outWidth + j];
                    assertEquals(sum, gradients[0][i * outWidth + j], 1e-4 * (1 + Math.abs(sum)), kernels.description());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"RELU", "SOFTMAX", "GELU", "SOFTPLUS", "ELU"})
    void appliesTheActivationToWholeRowsOrColumnBlocks(Activation activation) {
        int rows = 3, width = 50, outWidth = 200;
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i += 4) x[i] = (float) random.nextDouble(-1, 1);
        float[] w = randoms(random, width * outWidth);
        float[] bias = randoms(random, outWidth);
        {
            MatMul matMul = Engine.compute(KernelProvider.kernels(), 2);
            SparseBatch sparse = new SparseBatch(KernelProvider.kernels(), rows, width);
            assertTrue(sparse.gather(x, rows, width, matMul));
            float[] activated = new float[rows * outWidth];
            sparse.times(w, bias, outWidth, activation, activated, null, matMul);
            float[] plain = new float[rows * outWidth];
            sparse.times(w, bias, outWidth, Activation.IDENTITY, plain, null, matMul);
            for (int r = 0; r < rows; r++) Activations.activate(activation, plain, r * outWidth, outWidth, KernelProvider.kernels(), null);
            assertArrayEquals(plain, activated);
        }
    }

    @ParameterizedTest(name = "{0} in 10 non-zero")
    @CsvSource({"1, true", "3, true", "4, false", "10, false"})
    void isSparseWhenUnderAThirdAreNonZero(int nonZeroPerTen, boolean sparse) {
        float[] x = new float[10 * 30];
        for (int i = 0; i < x.length; i++) x[i] = i % 10 < nonZeroPerTen ? 1f : 0f;
        {
            MatMul matMul = Engine.compute(KernelProvider.kernels(), 1);
            boolean gathered = new SparseBatch(KernelProvider.kernels(), 10, 30).gather(x, 10, 30, matMul);
            if (sparse) assertTrue(gathered); else assertFalse(gathered);
        }
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) random.nextDouble(-1, 1);
        return values;
    }
}

package dev.sqlnn.model;

import dev.sqlnn.nn.Examples;
import dev.sqlnn.nn.Predictor;
import dev.sqlnn.simd.KernelProvider;
import dev.sqlnn.simd.MatMul;

/** Scores many rows at once with matrix-matrix products. */
public final class BatchScorer {

    /** Rows per product: large enough to keep the kernel busy, small enough to stay in cache. */
    static final int BATCH = 256;

    private BatchScorer() {
    }

    /** The network's outputs for the given rows of {@code examples}, {@code rows.length × outputWidth}. */
    public static float[] score(Model model, Examples examples, int[] rows, MatMul matMul) {
        Predictor predictor = new Predictor(model.network(), KernelProvider.kernels());
        int width = model.network().outputWidth();
        int batch = Math.min(BATCH, Math.max(1, rows.length));
        float[] inputs = new float[batch * model.inputWidth()];
        float[] out = new float[batch * width];
        float[][] buffers = predictor.batchBuffers(batch);
        float[] all = new float[rows.length * width];
        for (int from = 0; from < rows.length; from += batch) {
            int n = Math.min(batch, rows.length - from);
            examples.inputs(rows, from, n, inputs, -1);
            predictor.forwardBatch(inputs, n, out, matMul, buffers);
            System.arraycopy(out, 0, all, from * width, n * width);
        }
        return all;
    }

    static int argMax(float[] y, int off, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (y[off + j] > y[off + best]) best = j;
        }
        return best;
    }
}

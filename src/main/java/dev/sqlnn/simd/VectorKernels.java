package dev.sqlnn.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK Vector API ({@code FloatVector.SPECIES_PREFERRED}).
 *
 * <p>The matrix product follows the GotoBLAS/BLIS scheme: op(A) and op(B) are copied ("packed")
 * into contiguous panels, so that transposed and plain operands take the same fast path, and a
 * register-blocked micro-kernel computes an {@code MR × NR} tile of C with all of its
 * accumulators in vector registers: {@code 6 × 4} vectors (6 × 64 floats) on 512-bit hardware,
 * whose 32 registers hold 24 accumulators, 4 B vectors and one broadcast A element;
 * {@code 6 × 2} vectors on narrower hardware with 16 registers.
 *
 * <p>Loaded by name from {@link KernelProvider} only when the module is readable.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Ints in lanes matching {@link #S}'s floats, for indices. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Rows of C per micro-tile. */
    private static final int MR = 6;
    /** Vectors of C per micro-tile row: 4 when there are 32 vector registers (AVX-512), else 2. */
    private static final int NV = S.vectorBitSize() >= 512 ? 4 : 2;
    /** Columns of C per micro-tile. */
    private static final int NR = NV * L;
    /**
     * Depth of one packed block: a {@code KC × NR} panel of B (64 KiB at 512 bits) stays in L1/L2
     * while the micro-kernel sweeps the rows of A.
     */
    private static final int KC = 256;
    /** Rows of A packed at once: an {@code MC × KC} block (256 KiB) stays in L2. */
    private static final int MC = 240;

    /** For the tails of element-wise loops: the same arithmetic, one element at a time. */
    private static final ScalarKernels SCALAR = new ScalarKernels();

    /** Per-thread packing buffers, grown on demand and reused: no allocation per product. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packedA(int size) {
            if (packedA.length < size) packedA = new float[size];
            return packedA;
        }

        float[] packedB(int size) {
            if (packedB.length < size) packedB = new float[size];
            return packedB;
        }
    }

    @Override
    public String description() {
        return "Vector API, " + S.vectorBitSize() + "-bit";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n0, int n1, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate, Epilogue epilogue) {
        if (m <= 0 || n1 <= n0) return;
        if (k == 0) {
            if (!accumulate) clear(c, ldc, m, n0, n1);
            finishRows(epilogue, c, ldc, m, n0, n1);
            return;
        }
        Scratch scratch = SCRATCH.get();
        if (!transA && transB && NV == 4 && m <= NR) {
            gemmTransposed(m, n0, n1, k, a, lda, b, ldb, c, ldc, accumulate, scratch);
            finishRows(epilogue, c, ldc, m, n0, n1);
            return;
        }
        int mcMax = Math.min(MC, roundUp(m, MR));
        float[] pa = scratch.packedA(mcMax * Math.min(KC, k));
        float[] pb = scratch.packedB(Math.min(KC, k) * NR);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean add = accumulate || p0 > 0;
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = Math.min(MC, m - i0);
                packA(transA, a, lda, i0, mc, p0, kc, pa);
                for (int j0 = n0; j0 < n1; j0 += NR) {
                    int nr = Math.min(NR, n1 - j0);
                    // A full-width panel of a plain B is read in place (rows ldb apart): packing would
                    // copy all of B for every product, which costs as much as the product itself when
                    // m is a mini-batch. Transposed or partial panels are packed.
                    boolean direct = !transB && nr == NR;
                    float[] bSrc = direct ? b : pb;
                    int bOff = direct ? p0 * ldb + j0 : 0;
                    int bStride = direct ? ldb : NR;
                    if (!direct) packB(transB, b, ldb, j0, nr, p0, kc, pb);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int paOff = ir * kc;
                        int cOff = (i0 + ir) * ldc + j0;
                        // The micro-kernel writes a whole tile to scratch and a second loop merges it
                        // into C: keeping C's edge cases and the add/store choice out of the
                        // micro-kernel keeps it small enough for C2 to inline every vector operation.
                        microKernel(pa, paOff, bSrc, bOff, bStride, kc, scratch.tile);
                        mergeTile(scratch.tile, mr, nr, c, cOff, ldc, add);
                        if (epilogue != null && p0 + kc == k) {
                            for (int r = 0; r < mr; r++) epilogue.finish(c, cOff + r * ldc, j0, nr);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code C (+)= A · Bᵀ} for a short A (at most one panel of rows: a mini-batch of deltas times a
     * layer's weights, in the backward pass), computed as its transpose {@code Cᵀ = B · Aᵀ}: the large
     * B is then read in place, six of its rows at a time, instead of being transposed into packed
     * panels for every product; only A is packed. Each element of C is the same sum, in the same order,
     * as on the packed path, so the result is bit for bit the same.
     */
    private static void gemmTransposed(int m, int n0, int n1, int k, float[] a, int lda, float[] b, int ldb,
                                       float[] c, int ldc, boolean accumulate, Scratch scratch) {
        float[] pb = scratch.packedB(Math.min(KC, k) * NR);
        float[] pa = scratch.packedA(MR * Math.min(KC, k));
        float[] tile = scratch.tile;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean add = accumulate || p0 > 0;
            packB(true, a, lda, 0, m, p0, kc, pb); // Aᵀ as one panel: pb[p*NR + r] = A[r][p0 + p]
            for (int j = n0; j < n1; j += MR) {
                int rows = Math.min(MR, n1 - j);
                if (rows == MR) {
                    microKernel6x4InPlaceA(b, j * ldb + p0, ldb, pb, kc, tile);
                } else {
                    packA(false, b, ldb, j, rows, p0, kc, pa);
                    microKernel(pa, 0, pb, 0, NR, kc, tile);
                }
                // tile[jj][r] = Σ_p B[j + jj][p] · A[r][p] = C[r][j + jj]
                for (int r = 0; r < m; r++) {
                    int dst = r * ldc + j;
                    for (int jj = 0; jj < rows; jj++) {
                        float v = tile[jj * NR + r];
                        c[dst + jj] = add ? c[dst + jj] + v : v;
                    }
                }
            }
        }
    }

    /** Hands columns {@code [n0, n1)} of every row of C to {@code epilogue}, if any: for the paths that do not finish C tile by tile. */
    private static void finishRows(Epilogue epilogue, float[] c, int ldc, int m, int n0, int n1) {
        if (epilogue == null) return;
        for (int i = 0; i < m; i++) epilogue.finish(c, i * ldc + n0, n0, n1 - n0);
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    private static void clear(float[] c, int ldc, int m, int n0, int n1) {
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, i * ldc + n0, i * ldc + n1, 0f);
        }
    }

    /**
     * Packs rows {@code [i0, i0+mc)} and depths {@code [p0, p0+kc)} of op(A) into MR-row slivers:
     * {@code pa[sliver*MR*kc + p*MR + r] = opA(i0 + sliver*MR + r, p0 + p)}, zero-padded past m.
     */
    private static void packA(boolean transA, float[] a, int lda, int i0, int mc, int p0, int kc, float[] pa) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = ir * kc;
            int rows = Math.min(MR, mc - ir);
            if (transA) {
                // opA(i, p) = a[p*lda + i]: the MR elements of one depth are contiguous.
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * lda + i0 + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < rows; r++) pa[dst + r] = a[src + r];
                    for (int r = rows; r < MR; r++) pa[dst + r] = 0f;
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < rows) {
                        int src = (i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) pa[base + p * MR + r] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) pa[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs columns {@code [j0, j0+nr)} and depths {@code [p0, p0+kc)} of op(B) into one panel:
     * {@code pb[p*NR + j] = opB(p0 + p, j0 + j)}, zero-padded past nr.
     */
    private static void packB(boolean transB, float[] b, int ldb, int j0, int nr, int p0, int kc, float[] pb) {
        if (transB) {
            // opB(p, j) = b[j*ldb + p]: a transpose, done in 16×16 blocks so that the reads and the
            // writes of a block each stay within 16 cache lines.
            for (int jb = 0; jb < nr; jb += 16) {
                int jEnd = Math.min(nr, jb + 16);
                for (int pBlock = 0; pBlock < kc; pBlock += 16) {
                    int pEnd = Math.min(kc, pBlock + 16);
                    for (int j = jb; j < jEnd; j++) {
                        int src = (j0 + j) * ldb + p0;
                        for (int p = pBlock; p < pEnd; p++) pb[p * NR + j] = b[src + p];
                    }
                }
            }
            if (nr < NR) {
                for (int p = 0; p < kc; p++) java.util.Arrays.fill(pb, p * NR + nr, p * NR + NR, 0f);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = (p0 + p) * ldb + j0;
                System.arraycopy(b, src, pb, p * NR, nr);
                if (nr < NR) java.util.Arrays.fill(pb, p * NR + nr, p * NR + NR, 0f);
            }
        }
    }

    /** Copies (or adds) the valid {@code mr × nr} part of a tile into C. */
    private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, boolean add) {
        int full = nr - nr % L;
        for (int r = 0; r < mr; r++) {
            int dst = cOff + r * ldc;
            int src = r * NR;
            int j = 0;
            // Vector moves rather than System.arraycopy: a call per row of 64 floats costs about as
            // much as the copy, which matters when the depth is short (k = 64 for weight gradients).
            if (add) {
                for (; j < full; j += L) {
                    FloatVector.fromArray(S, tile, src + j).add(FloatVector.fromArray(S, c, dst + j)).intoArray(c, dst + j);
                }
                for (; j < nr; j++) c[dst + j] += tile[src + j];
            } else {
                for (; j < full; j += L) FloatVector.fromArray(S, tile, src + j).intoArray(c, dst + j);
                for (; j < nr; j++) c[dst + j] = tile[src + j];
            }
        }
    }

    private static void microKernel(float[] pa, int paOff, float[] pb, int pbOff, int pbStride, int kc, float[] tile) {
        if (NV == 4) {
            microKernel6x4(pa, paOff, pb, pbOff, pbStride, kc, tile);
        } else {
            microKernel6x2(pa, paOff, pb, pbOff, pbStride, kc, tile);
        }
    }

    /** tile[6 × 4L] = packed A sliver (6 × kc) · packed B panel (kc × 4L); 24 accumulators. */
    private static void microKernel6x4(float[] pa, int paOff, float[] pb, int pbOff, int pbStride, int kc, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int ao = paOff;
        int bo = pbOff;
        for (int p = 0; p < kc; p++, ao += MR, bo += pbStride) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, pa[ao]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, NR); c11.intoArray(t, NR + L); c12.intoArray(t, NR + 2 * L); c13.intoArray(t, NR + 3 * L);
        c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L); c22.intoArray(t, 2 * NR + 2 * L); c23.intoArray(t, 2 * NR + 3 * L);
        c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L); c32.intoArray(t, 3 * NR + 2 * L); c33.intoArray(t, 3 * NR + 3 * L);
        c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L); c42.intoArray(t, 4 * NR + 2 * L); c43.intoArray(t, 4 * NR + 3 * L);
        c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L); c52.intoArray(t, 5 * NR + 2 * L); c53.intoArray(t, 5 * NR + 3 * L);
    }

    /**
     * {@link #microKernel6x4} with A's six rows read in place ({@code aOff + r·lda + p}) rather than
     * from a packed sliver: each is a sequential stream, which the prefetcher follows.
     */
    private static void microKernel6x4InPlaceA(float[] a, int aOff, int lda, float[] pb, int kc, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int a0 = aOff, a1 = aOff + lda, a2 = aOff + 2 * lda, a3 = aOff + 3 * lda, a4 = aOff + 4 * lda, a5 = aOff + 5 * lda;
        int bo = 0;
        for (int p = 0; p < kc; p++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, pb, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, pb, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, NR); c11.intoArray(t, NR + L); c12.intoArray(t, NR + 2 * L); c13.intoArray(t, NR + 3 * L);
        c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L); c22.intoArray(t, 2 * NR + 2 * L); c23.intoArray(t, 2 * NR + 3 * L);
        c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L); c32.intoArray(t, 3 * NR + 2 * L); c33.intoArray(t, 3 * NR + 3 * L);
        c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L); c42.intoArray(t, 4 * NR + 2 * L); c43.intoArray(t, 4 * NR + 3 * L);
        c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L); c52.intoArray(t, 5 * NR + 2 * L); c53.intoArray(t, 5 * NR + 3 * L);
    }

    /** tile[6 × 2L] = packed A sliver (6 × kc) · packed B panel (kc × 2L); 12 accumulators. */
    private static void microKernel6x2(float[] pa, int paOff, float[] pb, int pbOff, int pbStride, int kc, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int ao = paOff;
        int bo = pbOff;
        for (int p = 0; p < kc; p++, ao += MR, bo += pbStride) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + L);
            FloatVector a = FloatVector.broadcast(S, pa[ao]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        c00.intoArray(t, 0); c01.intoArray(t, L);
        c10.intoArray(t, NR); c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L);
        c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector vy = FloatVector.fromArray(S, y, yOff + i);
            va.fma(FloatVector.fromArray(S, x, xOff + i), vy).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /**
     * Four vectors of y at a time stay in registers while every term is added: y is loaded and
     * stored once instead of once per term, which halves the memory traffic of repeated axpys.
     */
    @Override
    public void sparseRowTimesMatrix(float[] values, int[] rows, int from, int to, float[] w, int wOff, int stride,
                                     float[] y, int yOff, int n) {
        int j = 0;
        if (NV == 4) {
            for (; j + 8 * L <= n; j += 8 * L) sparseRowTimes8(values, rows, from, to, w, wOff + j, stride, y, yOff + j);
        }
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector y0 = FloatVector.fromArray(S, y, yOff + j);
            FloatVector y1 = FloatVector.fromArray(S, y, yOff + j + L);
            FloatVector y2 = FloatVector.fromArray(S, y, yOff + j + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, y, yOff + j + 3 * L);
            for (int t = from; t < to; t++) {
                FloatVector a = FloatVector.broadcast(S, values[t]);
                int base = wOff + rows[t] * stride + j;
                y0 = a.fma(FloatVector.fromArray(S, w, base), y0);
                y1 = a.fma(FloatVector.fromArray(S, w, base + L), y1);
                y2 = a.fma(FloatVector.fromArray(S, w, base + 2 * L), y2);
                y3 = a.fma(FloatVector.fromArray(S, w, base + 3 * L), y3);
            }
            y0.intoArray(y, yOff + j);
            y1.intoArray(y, yOff + j + L);
            y2.intoArray(y, yOff + j + 2 * L);
            y3.intoArray(y, yOff + j + 3 * L);
        }
        if (j < n) {
            for (int t = from; t < to; t++) {
                axpy(values[t], w, wOff + rows[t] * stride + j, y, yOff + j, n - j);
            }
        }
    }

    /**
     * Eight vectors of y (128 floats at 512 bits) in registers while every term is added: half the
     * loop overhead per multiply-add of four, and each term's weights are eight consecutive vectors.
     */
    private static void sparseRowTimes8(float[] values, int[] rows, int from, int to, float[] w, int wOff, int stride,
                                        float[] y, int yOff) {
        FloatVector y0 = FloatVector.fromArray(S, y, yOff), y1 = FloatVector.fromArray(S, y, yOff + L);
        FloatVector y2 = FloatVector.fromArray(S, y, yOff + 2 * L), y3 = FloatVector.fromArray(S, y, yOff + 3 * L);
        FloatVector y4 = FloatVector.fromArray(S, y, yOff + 4 * L), y5 = FloatVector.fromArray(S, y, yOff + 5 * L);
        FloatVector y6 = FloatVector.fromArray(S, y, yOff + 6 * L), y7 = FloatVector.fromArray(S, y, yOff + 7 * L);
        for (int t = from; t < to; t++) {
            FloatVector a = FloatVector.broadcast(S, values[t]);
            int base = wOff + rows[t] * stride;
            y0 = a.fma(FloatVector.fromArray(S, w, base), y0);
            y1 = a.fma(FloatVector.fromArray(S, w, base + L), y1);
            y2 = a.fma(FloatVector.fromArray(S, w, base + 2 * L), y2);
            y3 = a.fma(FloatVector.fromArray(S, w, base + 3 * L), y3);
            y4 = a.fma(FloatVector.fromArray(S, w, base + 4 * L), y4);
            y5 = a.fma(FloatVector.fromArray(S, w, base + 5 * L), y5);
            y6 = a.fma(FloatVector.fromArray(S, w, base + 6 * L), y6);
            y7 = a.fma(FloatVector.fromArray(S, w, base + 7 * L), y7);
        }
        y0.intoArray(y, yOff); y1.intoArray(y, yOff + L); y2.intoArray(y, yOff + 2 * L); y3.intoArray(y, yOff + 3 * L);
        y4.intoArray(y, yOff + 4 * L); y5.intoArray(y, yOff + 5 * L);
        y6.intoArray(y, yOff + 6 * L); y7.intoArray(y, yOff + 7 * L);
    }

    @Override
    public int countNonZeros(float[] x, int xOff, int n) {
        int count = 0;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            count += FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.NE, 0f).trueCount();
        }
        return count + SCALAR.countNonZeros(x, xOff + i, n - i);
    }

    /** Compresses each vector's non-zero lanes to the front (one AVX-512 instruction), values and indices alike. */
    @Override
    public int gatherNonZeros(float[] x, int xOff, int n, float[] values, int[] indices, int out) {
        int count = 0;
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMask<Float> nonZero = v.compare(VectorOperators.NE, 0f);
            int found = nonZero.trueCount();
            if (found == 0) continue;
            v.compress(nonZero).intoArray(values, out + count);
            IntVector.broadcast(IS, i).addIndex(1).compress(nonZero.cast(IS)).intoArray(indices, out + count);
            count += found;
        }
        return count + SCALAR.gatherNonZeros(x, xOff + i, n - i, values, indices, out + count, i);
    }

    @Override
    public void reluBackward(float[] grad, float[] output, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            VectorMask<Float> off = FloatVector.fromArray(S, output, i).compare(VectorOperators.GT, 0f).not();
            FloatVector.fromArray(S, grad, i).blend(zero, off).intoArray(grad, i);
        }
        SCALAR.reluBackward(grad, output, i, to); // the tail
    }

    @Override
    public void activate(ElementwiseActivation f, float[] x, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector z = FloatVector.fromArray(S, x, i);
            FloatVector y = switch (f) {
                case LEAKY_RELU -> z.blend(z.mul(ElementwiseActivation.LEAKY_SLOPE), z.compare(VectorOperators.GT, 0f).not());
                case ELU -> elu(z, ElementwiseActivation.ELU_ALPHA);
                case SELU -> elu(z, ElementwiseActivation.SELU_ALPHA).mul(ElementwiseActivation.SELU_LAMBDA);
                case GELU -> z.mul(geluSigmoid(z));
                case SOFTPLUS -> z.max(0f).add(log1pUnit(exp(z.abs().neg())));
            };
            y.intoArray(x, i);
        }
        SCALAR.activate(f, x, i, to); // the tail
    }

    @Override
    public void activationBackward(ElementwiseActivation f, float[] grad, float[] saved, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector s = FloatVector.fromArray(S, saved, i);
            VectorMask<Float> off = s.compare(VectorOperators.GT, 0f).not();
            FloatVector d = switch (f) {
                case LEAKY_RELU -> FloatVector.broadcast(S, 1f).blend(ElementwiseActivation.LEAKY_SLOPE, off);
                case ELU -> FloatVector.broadcast(S, 1f).blend(s.add(ElementwiseActivation.ELU_ALPHA), off);
                case SELU -> FloatVector.broadcast(S, ElementwiseActivation.SELU_LAMBDA)
                        .blend(s.add(ElementwiseActivation.SELU_LAMBDA * ElementwiseActivation.SELU_ALPHA), off);
                case GELU -> geluDerivative(s);
                case SOFTPLUS -> FloatVector.broadcast(S, 1f).sub(exp(s.neg()));
            };
            FloatVector.fromArray(S, grad, i).mul(d).intoArray(grad, i);
        }
        SCALAR.activationBackward(f, grad, saved, i, to); // the tail
    }

    // Lane by lane the same operations, in the same order, as ScalarKernels' twins of these.

    private static FloatVector elu(FloatVector z, float alpha) {
        return z.blend(exp(z).sub(1f).mul(alpha), z.compare(VectorOperators.GT, 0f).not());
    }

    private static FloatVector geluSigmoid(FloatVector z) {
        FloatVector u2 = z.mul(-2f * ElementwiseActivation.GELU_C)
                .mul(z.mul(z).mul(ElementwiseActivation.GELU_K).add(1f));
        return FloatVector.broadcast(S, 1f).div(exp(u2).add(1f));
    }

    private static FloatVector geluDerivative(FloatVector z) {
        FloatVector s = geluSigmoid(z);
        FloatVector du = z.mul(z).mul(3f * ElementwiseActivation.GELU_K).add(1f).mul(2f * ElementwiseActivation.GELU_C);
        return s.add(z.mul(s.mul(FloatVector.broadcast(S, 1f).sub(s))).mul(du));
    }

    private static FloatVector exp(FloatVector x) {
        x = x.max(ScalarKernels.EXP_LOWEST).min(ScalarKernels.EXP_HIGHEST);
        FloatVector n = x.mul(ScalarKernels.LOG2E).add(ScalarKernels.ROUNDER).sub(ScalarKernels.ROUNDER);
        FloatVector r = x.sub(n.mul(ScalarKernels.LN2_HIGH));
        r = r.sub(n.mul(ScalarKernels.LN2_LOW));
        float[] c = ScalarKernels.EXP_POLYNOMIAL;
        FloatVector p = FloatVector.broadcast(S, c[0]);
        for (int k = 1; k < c.length; k++) p = p.mul(r).add(c[k]);
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return y.mul(bits.reinterpretAsFloats());
    }

    private static FloatVector log1pUnit(FloatVector t) {
        VectorMask<Float> upper = t.compare(VectorOperators.GT, ScalarKernels.SQRT2_MINUS_1);
        FloatVector x = t.blend(t.sub(1f).mul(0.5f), upper);
        FloatVector e = FloatVector.zero(S).blend(1f, upper);
        FloatVector z = x.mul(x);
        float[] c = ScalarKernels.LOG_POLYNOMIAL;
        FloatVector y = FloatVector.broadcast(S, c[0]);
        for (int k = 1; k < c.length; k++) y = y.mul(x).add(c[k]);
        y = y.mul(x.mul(z));
        y = y.add(e.mul(ScalarKernels.LN2_LOW));
        y = y.sub(z.mul(0.5f));
        return x.add(y).add(e.mul(ScalarKernels.LN2_HIGH));
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= 4 * L) {
            int bound = n - n % (4 * L);
            sum = dotBody(x, xOff, y, yOff, bound);
            i = bound;
        }
        for (; i < n; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }

    /** Four independent accumulators hide the FMA latency. */
    private static float dotBody(float[] x, int xOff, float[] y, int yOff, int bound) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < bound; i += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), s1);
            s2 = FloatVector.fromArray(S, x, xOff + i + 2 * L).fma(FloatVector.fromArray(S, y, yOff + i + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xOff + i + 3 * L).fma(FloatVector.fromArray(S, y, yOff + i + 3 * L), s3);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int from, int to,
                     float stepSize, float beta1, float beta2, float epsilonHat, float l2) {
        FloatVector vb1 = FloatVector.broadcast(S, beta1), vb1c = FloatVector.broadcast(S, 1f - beta1);
        FloatVector vb2 = FloatVector.broadcast(S, beta2), vb2c = FloatVector.broadcast(S, 1f - beta2);
        FloatVector vStep = FloatVector.broadcast(S, stepSize), vEps = FloatVector.broadcast(S, epsilonHat);
        FloatVector vL2 = FloatVector.broadcast(S, l2), zero = FloatVector.zero(S);
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector wi = FloatVector.fromArray(S, w, i);
            FloatVector grad = vL2.fma(wi, FloatVector.fromArray(S, g, i));
            FloatVector mi = vb1.mul(FloatVector.fromArray(S, m, i)).add(vb1c.mul(grad));
            FloatVector vi = vb2.mul(FloatVector.fromArray(S, v, i)).add(vb2c.mul(grad).mul(grad));
            VectorMask<Float> tinyM = mi.abs().compare(VectorOperators.LT, MOMENT_FLOOR);
            VectorMask<Float> tinyV = vi.compare(VectorOperators.LT, MOMENT_FLOOR);
            mi = mi.blend(zero, tinyM);
            vi = vi.blend(zero, tinyV);
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            wi.sub(vStep.mul(mi).div(vi.sqrt().add(vEps))).intoArray(w, i);
        }
        SCALAR.adam(w, g, m, v, i, to, stepSize, beta1, beta2, epsilonHat, l2); // the tail
    }

    @Override
    public void momentum(float[] w, float[] g, float[] vel, int from, int to,
                         float learningRate, float mu, boolean nesterov, float l2) {
        FloatVector vMu = FloatVector.broadcast(S, mu), vLr = FloatVector.broadcast(S, learningRate);
        FloatVector vL2 = FloatVector.broadcast(S, l2), zero = FloatVector.zero(S);
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector wi = FloatVector.fromArray(S, w, i);
            FloatVector grad = vL2.fma(wi, FloatVector.fromArray(S, g, i));
            FloatVector vi = vMu.mul(FloatVector.fromArray(S, vel, i)).sub(vLr.mul(grad));
            vi = vi.blend(zero, vi.abs().compare(VectorOperators.LT, MOMENT_FLOOR));
            vi.intoArray(vel, i);
            FloatVector step = nesterov ? vMu.mul(vi).sub(vLr.mul(grad)) : vi;
            wi.add(step).intoArray(w, i);
        }
        SCALAR.momentum(w, g, vel, i, to, learningRate, mu, nesterov, l2); // the tail
    }
}

/**
 * The numeric kernels: one {@link dev.sqlnn.simd.Kernels} interface, a scalar reference
 * implementation and a Vector API one, chosen once at start-up by {@link dev.sqlnn.simd.KernelProvider};
 * {@link dev.sqlnn.simd.MatMul} splits products over a {@link dev.sqlnn.simd.WorkerPool}.
 *
 * <p>This is the only package that touches {@code jdk.incubator.vector}, and only from
 * {@code VectorKernels} and the FMA peak meter {@code FmaPeak}, both loaded by name so that sqlnn
 * still runs, on the scalar kernels, in a JVM started without {@code --add-modules jdk.incubator.vector}.
 * Only {@code nn} uses this package (and the kernel benchmark of {@code sqlnn bench}).
 */
package dev.sqlnn.simd;

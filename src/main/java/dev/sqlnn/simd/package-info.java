/**
 * The numeric kernels: one {@link dev.sqlnn.simd.Kernels} interface, a scalar reference
 * implementation and a Vector API one, chosen once at start-up by {@link dev.sqlnn.simd.KernelProvider}.
 *
 * <p>This is the only package that touches {@code jdk.incubator.vector}, and only from
 * {@code VectorKernels}, which is loaded by name so that sqlnn still runs, on the scalar kernels,
 * in a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
package dev.sqlnn.simd;

/**
 * The neural network engine: dense layers, activations, losses, optimizers, the mini-batch
 * trainer, the predictor, the gradient of an output with respect to the input
 * ({@link dev.sqlnn.nn.InputGradient}, for attributions), and {@link dev.sqlnn.nn.Engine}, the one entry point that owns the
 * kernel choice and the process-wide, bounded pool of compute threads every statement borrows from.
 * Pure computation on float arrays over the {@code simd} kernels; it imports nothing from JDBC,
 * jOOQ or Flyway, and sees training data only through {@link dev.sqlnn.nn.Examples}.
 */
package dev.sqlnn.nn;

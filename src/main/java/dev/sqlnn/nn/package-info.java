/**
 * The neural network engine: dense layers, activations, losses, optimizers, the mini-batch
 * trainer and the predictor. Pure computation on float arrays over the {@code simd} kernels; it
 * imports nothing from JDBC, jOOQ or Flyway, and sees training data only through
 * {@link dev.sqlnn.nn.Examples}.
 */
package dev.sqlnn.nn;

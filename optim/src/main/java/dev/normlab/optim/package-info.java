/**
 * NormLab's optimizers for DJL: the stateless SinkGD and SWAN, the AdamW and SGD baselines, and
 * routing by parameter role.
 *
 * <ul>
 *   <li>{@link dev.normlab.optim.Transforms}: the pure transforms (SR-Sinkhorn, GradNorm,
 *       Newton–Schulz whitening), matrix or stacked.
 *   <li>{@link dev.normlab.optim.SinkGd}, {@link dev.normlab.optim.Swan} (no state),
 *       {@link dev.normlab.optim.AdamW}, {@link dev.normlab.optim.Sgd}: DJL {@code Optimizer}s.
 *   <li>{@link dev.normlab.optim.ParameterRouter} → {@link dev.normlab.optim.RoutingTable}: role
 *       of every parameter by name pattern; {@link dev.normlab.optim.RoutedOptimizer}: the one a
 *       trainer gets (hidden matrices → chosen rule, the rest → AdamW), with the stacked path,
 *       {@code summary()}, {@code stateBytes()} and the state as an API ({@code stateDict()} /
 *       {@code loadStateDict()}) over every {@link dev.normlab.optim.StatefulRule}.
 * </ul>
 */
package dev.normlab.optim;

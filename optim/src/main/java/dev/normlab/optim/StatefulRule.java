package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A rule that keeps persistent arrays per parameter (AdamW's moments, SGD's momentum buffer). {@link RoutedOptimizer}
 * allocates them up front and saves or restores them through {@link RoutedOptimizer#stateDict()} and
 * {@link RoutedOptimizer#loadStateDict}, so a new stateful rule needs nothing beyond its own class.
 */
public interface StatefulRule extends StateSize {

    /**
     * The live state arrays of a parameter under torch's state keys ({@code exp_avg}, {@code momentum_buffer}),
     * allocated as zeros like {@code weight} first when needed; empty when this rule keeps none (SGD without momentum).
     */
    Map<String, NDArray> state(String parameterId, NDArray weight);

    /** The live state arrays of a parameter, empty when none are allocated (yet). */
    Map<String, NDArray> state(String parameterId);
}

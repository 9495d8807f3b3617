package dev.normlab.optim;

import ai.djl.ndarray.types.Shape;

/** One line of the run summary: which parameter went to which rule, and its state. */
public record RouteSummary(String name, Shape shape, ParameterRole role, String rule, long stateBytes) {}

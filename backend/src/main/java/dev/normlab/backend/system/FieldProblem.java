package dev.normlab.backend.system;

/** One bad input of a 400: the field (JSON path or parameter name) and what is wrong with it. */
public record FieldProblem(String field, String message) {
}

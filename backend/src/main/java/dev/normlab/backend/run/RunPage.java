package dev.normlab.backend.run;

import java.util.List;

/** One page of runs; {@code page} counts from 0. */
public record RunPage(List<RunView> items, int page, int size, long totalItems, int totalPages) {
}

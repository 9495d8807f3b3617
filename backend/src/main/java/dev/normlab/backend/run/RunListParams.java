package dev.normlab.backend.run;

import dev.normlab.api.memory.OptimizerKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/**
 * The query parameters of {@code GET /api/v1/runs}, bound and validated by Spring (converters in
 * {@link RunParameterConverters}); a bad value is a 400 naming the parameter.
 *
 * @param project project id or name
 * @param status any of these statuses, comma-separated
 * @param optimizer any of these optimizers, comma-separated
 * @param name case-insensitive text in the run's name
 * @param submittedBy user name of the submitter
 * @param sort created, finished, finalLoss, or queue (claim order: priority, team virtual time, id)
 * @param order asc or desc (default: desc for times, asc for finalLoss)
 */
record RunListParams(
        String project,
        List<RunStatus> status,
        List<OptimizerKind> optimizer,
        String tag,
        String name,
        String submittedBy,
        RunQuery.Sort sort,
        SortOrder order,
        @PositiveOrZero Integer page,
        @Min(1) @Max(RunListParams.MAX_PAGE_SIZE) Integer size) {

    static final int MAX_PAGE_SIZE = 500;

    enum SortOrder { ASC, DESC }

    RunQuery query() {
        RunQuery.Sort sortBy = sort == null ? RunQuery.Sort.CREATED : sort;
        boolean ascending = order != null ? order == SortOrder.ASC : sortBy == RunQuery.Sort.FINAL_LOSS;
        return new RunQuery(blankToNull(project), status == null ? List.of() : status,
                optimizer == null ? List.of() : optimizer.stream().map(OptimizerKind::id).toList(), blankToNull(tag),
                blankToNull(name), blankToNull(submittedBy), sortBy, ascending, page == null ? 0 : page,
                size == null ? 50 : size);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

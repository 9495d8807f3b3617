package dev.normlab.backend.run;

import java.util.List;

/**
 * A filtered, sorted page of runs.
 *
 * @param project project id or name (null = all the caller's projects)
 * @param statuses any of these (empty = all)
 * @param optimizers any of these (empty = all)
 * @param tag runs carrying this tag
 * @param nameContains case-insensitive text in the name
 * @param submittedBy the user name of the submitter
 */
record RunQuery(String project, List<RunStatus> statuses, List<String> optimizers, String tag, String nameContains,
        String submittedBy, Sort sort, boolean ascending, int page, int size) {

    enum Sort {
        CREATED("created", "r.created_at"), FINISHED("finished", "r.finished_at"), FINAL_LOSS("finalLoss", "r.final_loss"),
        QUEUE("queue", null);

        final String apiName;
        final String column;

        Sort(String apiName, String column) {
            this.apiName = apiName;
            this.column = column;
        }

        static java.util.Optional<Sort> byApiName(String name) {
            return java.util.Arrays.stream(values()).filter(s -> s.apiName.equals(name)).findFirst();
        }

        static List<String> apiNames() {
            return java.util.Arrays.stream(values()).map(s -> s.apiName).toList();
        }
    }
}

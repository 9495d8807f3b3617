package dev.normlab.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Submit, list, follow, cancel and compare runs.",
        subcommands = {RunsCommand.Submit.class, RunsCommand.List.class, RunsCommand.Get.class, RunsCommand.Wait.class,
                RunsCommand.Cancel.class, RunsCommand.Metrics.class, RunsCommand.Compare.class},
        footer = ExitCodes.FOOTER)
final class RunsCommand {

    /** The project a spec without one is filed under (as ./normlab submit always did). */
    static final String DEFAULT_PROJECT = "default";

    @ParentCommand
    NormLabCli cli;

    /** What every runs subcommand has: the connection and a way to print. */
    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        RunsCommand runs;
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;

        Api api() {
            return runs.cli.open(connection);
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = "Queue a run spec (JSON). A spec naming no project goes to --project or 'default'.",
            footer = ExitCodes.FOOTER)
    static final class Submit extends Base {
        @Parameters(paramLabel = "SPEC.json", description = "the run spec (see examples/demo-run.json)")
        Path specFile;
        @Option(names = "--project", description = "project: team/project, id, or a name unique among your teams")
        String project;
        @Option(names = "--wait", description = "then wait for the run to end; the exit code tells how it ended")
        boolean waitForIt;
        @Option(names = "--interval", defaultValue = "2s", description = "with --wait: poll interval (default ${DEFAULT-VALUE})")
        String interval;
        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Override
        public Integer call() {
            ObjectNode spec;
            try {
                JsonNode parsed = Api.JSON.readTree(Files.readString(specFile));
                if (!(parsed instanceof ObjectNode object)) {
                    throw new ParameterException(this.spec.commandLine(), specFile + " must hold a JSON object (a run spec)");
                }
                spec = object;
            } catch (IOException e) {
                throw new ParameterException(this.spec.commandLine(), "cannot read " + specFile + ": " + e.getMessage());
            } catch (JacksonException e) {
                throw new ParameterException(this.spec.commandLine(), specFile + " is not valid JSON: " + e.getOriginalMessage());
            }
            if (project != null) {
                spec.put("project", project);
            } else if (!spec.hasNonNull("project")) {
                spec.put("project", DEFAULT_PROJECT);
            }
            Api api = api();
            JsonNode run = api.post("/api/v1/runs", spec.toString());
            long id = run.path("id").asLong();
            if (json) {
                out().println(run.toPrettyString());
            } else {
                out().println("Run " + id + " queued in " + run.path("team").asString() + "/" + run.path("project").asString()
                        + " (" + run.path("name").asString() + ").");
                out().println("  follow    normlab runs wait " + id + "   |   normlab runs get " + id);
                out().println("  metrics   normlab runs metrics " + id + " --keys train_loss");
            }
            out().flush();
            return waitForIt ? Wait.until(api, id, duration(interval, "--interval"), null, out()) : ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs of your teams, newest first.", footer = ExitCodes.FOOTER)
    static final class List extends Base {
        @Option(names = "--project", description = "project id or name")
        String project;
        @Option(names = "--status", description = "comma-separated: QUEUED,RUNNING,SUCCEEDED,FAILED,CANCELLED")
        String status;
        @Option(names = "--optimizer", description = "comma-separated: sinkgd,swan,adamw,sgd")
        String optimizer;
        @Option(names = "--tag", description = "runs with this tag")
        String tag;
        @Option(names = "--name", description = "case-insensitive text in the name")
        String name;
        @Option(names = "--submitted-by", description = "user name")
        String submittedBy;
        @Option(names = "--sort", description = "created (default), finished, finalLoss or queue")
        String sort;
        @Option(names = "--order", description = "asc or desc")
        String order;
        @Option(names = "--page", defaultValue = "0", description = "page, from 0")
        int page;
        @Option(names = "--size", defaultValue = "50", description = "runs per page (≤ 500, default ${DEFAULT-VALUE})")
        int size;
        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Override
        public Integer call() {
            JsonNode page = api().get("/api/v1/runs", Api.query("project", project, "status", status, "optimizer", optimizer,
                    "tag", tag, "name", name, "submittedBy", submittedBy, "sort", sort, "order", order,
                    "page", Integer.toString(this.page), "size", Integer.toString(size)));
            if (json) {
                out().println(page.toPrettyString());
                out().flush();
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "KIND", "STATUS", "PROJECT", "NAME", "OPTIMIZER", "FINAL LOSS", "CREATED");
            for (JsonNode run : page.path("items")) {
                table.row(run.path("id").asLong(), kind(run), run.path("status").asString(),
                        run.path("team").asString() + "/" + run.path("project").asString(), run.path("name").asString(),
                        optimizer(run), number(run.path("finalLoss")), run.path("createdAt").asString(""));
            }
            table.print(out());
            out().println("page " + (page.path("page").asInt() + 1) + " of " + Math.max(1, page.path("totalPages").asInt()) + ", "
                    + page.path("totalItems").asLong() + " runs");
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "One run: state, where it runs, its latest metric values.", footer = ExitCodes.FOOTER)
    static final class Get extends Base {
        @Parameters(paramLabel = "ID", description = "run id")
        long id;
        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Override
        public Integer call() {
            Api api = api();
            JsonNode run = api.get("/api/v1/runs/" + id);
            if (json) {
                out().println(run.toPrettyString());
                out().flush();
                return ExitCodes.OK;
            }
            PrintWriter out = out();
            field(out, "run", run.path("id").asLong() + " " + run.path("name").asString());
            field(out, "kind", kind(run) + (run.path("mlflowRunId").isString() ? " (MLflow run " + run.path("mlflowRunId").asString() + ")" : ""));
            field(out, "status", run.path("status").asString() + (run.path("cancelRequested").asBoolean() ? " (cancel requested)" : ""));
            field(out, "project", run.path("team").asString() + "/" + run.path("project").asString());
            field(out, "optimizer", optimizer(run));
            if (run.path("spec").isObject()) {
                field(out, "model", run.path("spec").path("model").path("preset").asString("custom"));
                field(out, "attempt", run.path("attempt").asInt() + (run.path("workerName").isString() ? " on " + run.path("workerName").asString() : ""));
            }
            if (run.path("params").isObject() && !run.path("params").isEmpty()) {
                field(out, "params", run.path("params").properties().stream().map(e -> e.getKey() + "=" + e.getValue().asString())
                        .collect(Collectors.joining(", ")));
            }
            field(out, "finalLoss", number(run.path("finalLoss")));
            if (run.path("error").isString()) {
                field(out, "error", run.path("error").asString());
            }
            field(out, "created", run.path("createdAt").asString("-"));
            field(out, "finished", run.path("finishedAt").asString("-"));
            // the last point of every key: maxPoints=2 answers each series' first point and the bucket ending on its last
            JsonNode history = api.get("/api/v1/runs/" + id + "/metrics", Api.query("maxPoints", "2"));
            for (JsonNode series : history.path("series")) {
                JsonNode points = series.path("points");
                if (!points.isEmpty()) {
                    JsonNode last = points.get(points.size() - 1);
                    field(out, series.path("key").asString(), number(last.path("value")) + " at step " + last.path("step").asLong()
                            + " (" + series.path("pointsInRange").asLong() + " points)");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true, description = {"Wait until the run ends, printing each change of state.",
            "Exit code: 0 SUCCEEDED, 1 FAILED, 3 CANCELLED, 7 timeout."}, footer = ExitCodes.FOOTER)
    static final class Wait extends Base {
        @Parameters(paramLabel = "ID", description = "run id")
        long id;
        @Option(names = "--interval", defaultValue = "2s", description = "poll interval (default ${DEFAULT-VALUE})")
        String interval;
        @Option(names = "--timeout", description = "give up after this long, e.g. 30m (default: wait as long as it takes)")
        String timeout;

        @Override
        public Integer call() {
            return until(api(), id, duration(interval, "--interval"), timeout == null ? null : duration(timeout, "--timeout"), out());
        }

        static int until(Api api, long id, Duration interval, Duration timeout, PrintWriter out) {
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            String last = null;
            while (true) {
                JsonNode run = api.get("/api/v1/runs/" + id);
                String status = run.path("status").asString();
                String state = status + (run.path("workerName").isString() && status.equals("RUNNING")
                        ? " on " + run.path("workerName").asString() + " (attempt " + run.path("attempt").asInt() + ")" : "");
                if (!state.equals(last)) {
                    out.println("run " + id + ": " + state);
                    out.flush();
                    last = state;
                }
                switch (status) {
                    case "SUCCEEDED" -> {
                        out.println("run " + id + " succeeded" + (run.path("finalLoss").isNumber() ? ", final loss " + number(run.path("finalLoss")) : ""));
                        out.flush();
                        return ExitCodes.OK;
                    }
                    case "FAILED" -> {
                        out.println("run " + id + " failed: " + run.path("error").asString("(no error message)"));
                        out.flush();
                        return ExitCodes.RUN_FAILED;
                    }
                    case "CANCELLED" -> {
                        return ExitCodes.RUN_CANCELLED;
                    }
                    default -> {
                    }
                }
                if (System.nanoTime() > deadline) {
                    out.println("run " + id + " still " + status + " after the timeout");
                    out.flush();
                    return ExitCodes.TIMEOUT;
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.TIMEOUT;
                }
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run: a queued one at once, a running one at its worker's next heartbeat.",
            footer = ExitCodes.FOOTER)
    static final class Cancel extends Base {
        @Parameters(paramLabel = "ID", description = "run id")
        long id;

        @Override
        public Integer call() {
            JsonNode run = api().post("/api/v1/runs/" + id + "/cancel", null);
            out().println("run " + id + ": " + run.path("status").asString()
                    + (run.path("cancelRequested").asBoolean() && !run.path("status").asString().equals("CANCELLED")
                            ? " (cancel requested: the worker stops at its next heartbeat)" : ""));
            out().flush();
            return ExitCodes.OK;
        }
    }

    enum Format { csv, json, table }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "A run's metric history (raw up to --max-points, else min/max/last per bucket).",
            footer = ExitCodes.FOOTER)
    static final class Metrics extends Base {
        @Parameters(paramLabel = "ID", description = "run id")
        long id;
        @Option(names = "--keys", split = ",", description = "metric keys (default: all), e.g. train_loss,eval_loss")
        java.util.List<String> keys;
        @Option(names = "--x", defaultValue = "step", description = "step, tokens or seconds (default ${DEFAULT-VALUE})")
        String x;
        @Option(names = "--max-points", defaultValue = "10000", description = "2-10000 (default ${DEFAULT-VALUE})")
        int maxPoints;
        @Option(names = "--format", defaultValue = "csv", description = "csv or json (default ${DEFAULT-VALUE})")
        Format format;

        @Override
        public Integer call() {
            JsonNode history = api().get("/api/v1/runs/" + id + "/metrics", Api.query("keys", keys == null ? null : String.join(",", keys),
                    "x", x, "maxPoints", Integer.toString(maxPoints)));
            printSeries(history, format, out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true, description = "Runs side by side on one metric (trained and MLflow-tracked alike).",
            footer = ExitCodes.FOOTER)
    static final class Compare extends Base {
        @Parameters(paramLabel = "ID", arity = "1..50", description = "run ids")
        java.util.List<Long> ids;
        @Option(names = "--key", defaultValue = "train_loss", description = "the metric (default ${DEFAULT-VALUE})")
        String key;
        @Option(names = "--x", defaultValue = "step", description = "step, tokens or seconds (default ${DEFAULT-VALUE})")
        String x;
        @Option(names = "--max-points", defaultValue = "1000", description = "per run, 2-10000 (default ${DEFAULT-VALUE})")
        int maxPoints;
        @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default ${DEFAULT-VALUE})")
        Format format;

        @Override
        public Integer call() {
            Api api = api();
            JsonNode compare = api.get("/api/v1/compare", Api.query("runs", ids.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    "key", key, "x", x, "maxPoints", Integer.toString(maxPoints)));
            if (format != Format.table) {
                printSeries(compare, format, out());
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "KIND", "STATUS", "NAME", "OPTIMIZER", "FINAL LOSS", "POINTS", "LAST " + key, "MIN " + key);
            Iterator<JsonNode> series = compare.path("series").iterator();
            for (long id : ids) {
                JsonNode run = api.get("/api/v1/runs/" + id);
                JsonNode s = series.hasNext() ? series.next() : Api.JSON.createObjectNode();
                JsonNode points = s.path("points");
                Double min = null;
                for (JsonNode p : points) {
                    double v = p.path("min").isNumber() ? p.path("min").asDouble() : p.path("value").asDouble();
                    min = min == null ? v : Math.min(min, v);
                }
                table.row(id, kind(run), run.path("status").asString(), run.path("name").asString(), optimizer(run),
                        number(run.path("finalLoss")), s.path("pointsInRange").asLong(),
                        points.isEmpty() ? null : number(points.get(points.size() - 1).path("value")), min == null ? null : format(min));
            }
            table.print(out());
            return ExitCodes.OK;
        }
    }

    // ---- shared formatting

    static void printSeries(JsonNode history, Format format, PrintWriter out) {
        if (format == Format.json) {
            out.println(history.toPrettyString());
            out.flush();
            return;
        }
        out.println("run,key,x,step,value,min,max,count");
        for (JsonNode series : history.path("series")) {
            for (JsonNode p : series.path("points")) {
                out.println(series.path("runId").asLong() + "," + csv(series.path("key").asString()) + "," + exact(p.path("x")) + ","
                        + p.path("step").asLong() + "," + exact(p.path("value")) + "," + exact(p.path("min")) + ","
                        + exact(p.path("max")) + "," + p.path("count").asLong());
            }
        }
        out.flush();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String kind(JsonNode run) {
        return run.path("kind").asString("TRAINED").toLowerCase(Locale.ROOT);
    }

    /** A trained run's optimizer (its spec); a tracked run's "optimizer" param when it logged one. */
    static String optimizer(JsonNode run) {
        if (run.path("spec").isObject()) {
            return run.path("spec").path("optimizer").path("name").asString("-");
        }
        return run.path("params").path("optimizer").asString("-");
    }

    static String number(JsonNode value) {
        return value.isNumber() ? format(value.asDouble()) : "-";
    }

    /** For tables: six significant digits, no trailing zeros. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", value)).stripTrailingZeros().toPlainString();
    }

    /** For CSV: every digit (the shortest text that reads back as the same double). */
    static String exact(JsonNode value) {
        if (!value.isNumber()) {
            return "";
        }
        double v = value.asDouble();
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("  %-11s %s%n", name, value);
    }

    /** "90s", "30m", "2h", "500ms" or ISO-8601 (PT30M). */
    static Duration duration(String text, String option) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            Map<String, java.util.function.LongFunction<Duration>> units = new java.util.LinkedHashMap<>();
            units.put("ms", Duration::ofMillis);
            units.put("s", Duration::ofSeconds);
            units.put("m", Duration::ofMinutes);
            units.put("h", Duration::ofHours);
            for (var unit : units.entrySet()) {
                if (t.endsWith(unit.getKey())) {
                    return unit.getValue().apply(Long.parseLong(t.substring(0, t.length() - unit.getKey().length())));
                }
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a duration (e.g. 90s, 30m, 2h)");
        }
    }
}

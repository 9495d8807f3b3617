package dev.normlab.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/** The backend's health and the caller's runs per status. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Backend health and your teams' runs per status.", footer = ExitCodes.FOOTER)
final class StatusCommand implements Callable<Integer> {

    static final String[] STATUSES = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"};

    @ParentCommand
    NormLabCli cli;
    @Spec
    CommandSpec spec;
    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        Api api = cli.open(connection);
        JsonNode health = api.get("/actuator/health");
        var out = spec.commandLine().getOut();
        out.println("Backend at " + api.base() + ": " + health.path("status").asString("?"));
        Table table = new Table("STATUS", "RUNS");
        for (String status : STATUSES) {
            table.row(status, api.get("/api/v1/runs", Api.query("status", status, "size", "1"))
                    .path("totalItems").asLong());
        }
        table.print(out);
        return ExitCodes.OK;
    }
}

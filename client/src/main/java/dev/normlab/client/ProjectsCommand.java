package dev.normlab.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

@Command(name = "projects", mixinStandardHelpOptions = true, description = "Your teams' projects.", subcommands = ProjectsCommand.List.class,
        footer = ExitCodes.FOOTER)
final class ProjectsCommand {

    @ParentCommand
    NormLabCli cli;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your teams' projects.", footer = ExitCodes.FOOTER)
    static final class List implements Callable<Integer> {

        @ParentCommand
        ProjectsCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Option(names = "--archived", description = "include archived projects")
        boolean archived;
        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Override
        public Integer call() {
            JsonNode projects = parent.cli.open(connection).get("/api/v1/projects", Api.query("archived", archived ? "true" : null));
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(projects.toPrettyString());
                return ExitCodes.OK;
            }
            Table table = new Table("ID", "TEAM", "PROJECT", "ARCHIVED");
            for (JsonNode p : projects) {
                table.row(p.path("id").asLong(), p.path("team").asString(), p.path("name").asString(),
                        p.path("archivedAt").isNull() || p.path("archivedAt").isMissingNode() ? "" : "yes");
            }
            table.print(out);
            return ExitCodes.OK;
        }
    }
}

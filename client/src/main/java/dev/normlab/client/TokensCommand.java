package dev.normlab.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "tokens", mixinStandardHelpOptions = true, description = "API tokens.", subcommands = TokensCommand.Create.class, footer = ExitCodes.FOOTER)
final class TokensCommand {

    @ParentCommand
    NormLabCli cli;

    enum Kind { USER, WORKER }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {"Create an API token; its secret is printed once.",
            "With --quiet only the secret is printed (for scripts: TOKEN=$(normlab tokens create laptop -q))."},
            footer = ExitCodes.FOOTER)
    static final class Create implements Callable<Integer> {

        @ParentCommand
        TokensCommand parent;
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Parameters(paramLabel = "NAME", description = "what the token is for, e.g. laptop")
        String name;
        @Option(names = "--kind", description = "USER (default) or WORKER", defaultValue = "USER")
        Kind kind;
        @Option(names = "--team", description = "for a WORKER token: the team whose runs its agents claim (owners); none = platform (admins)")
        String team;
        @Option(names = {"-q", "--quiet"}, description = "print only the secret")
        boolean quiet;
        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Override
        public Integer call() {
            ObjectNode body = Api.JSON.createObjectNode().put("name", name).put("kind", kind.name());
            if (team != null) {
                body.put("team", team);
            }
            JsonNode token = parent.cli.open(connection).post("/api/v1/tokens", body.toString());
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(token.toPrettyString());
            } else if (quiet) {
                out.println(token.path("token").asString());
            } else {
                out.println("Token " + token.path("id").asLong() + " '" + token.path("name").asString() + "' (" + token.path("kind").asString()
                        + (token.path("team").isString() ? ", team " + token.path("team").asString() : "") + ") created.");
                out.println("Secret (shown only now): " + token.path("token").asString());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}

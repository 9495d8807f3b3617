package dev.normlab.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad options fail at once with exit code 2 and a message naming the option, before the engine loads. */
class AgentCommandTest {

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String stderr) {
    }

    private static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err));
        int code = command.execute(args);
        return new Outcome(code, err.toString());
    }

    @Test
    void aMissingTokenFileNamesTheOption() {
        Outcome outcome = run("--token-file", dir.resolve("no-such-token").toString(), "--device", "cpu");

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("--token-file").contains("no-such-token");
    }

    @Test
    void anEmptyTokenFileIsRefused() throws Exception {
        Path token = Files.writeString(dir.resolve("worker-token"), "  \n");

        Outcome outcome = run("--token-file", token.toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("--token-file").contains("is empty");
    }

    @Test
    void anUnknownDeviceOrAnOutOfRangeClaimWaitIsAUsageError() {
        Outcome device = run("--device", "tpu");
        assertThat(device.exitCode()).isEqualTo(2);
        assertThat(device.stderr()).contains("--device must be cpu, gpu or auto, got 'tpu'");

        Outcome wait = run("--claim-wait", "61");
        assertThat(wait.exitCode()).isEqualTo(2);
        assertThat(wait.stderr()).contains("--claim-wait must be between 0 and 60, got 61");
    }

    @Test
    void aDataRootThatCannotBeAFolderNamesTheOption() throws Exception {
        Path token = Files.writeString(dir.resolve("worker-token"), "secret");
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");

        Outcome outcome = run("--token-file", token.toString(), "--data-root", file.toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("--data-root").contains("not-a-folder");
    }

    @Test
    void deviceGpuWithoutAGpuFailsAtOnceNamingTheLoadedLibtorch() throws Exception {
        if (ai.djl.engine.Engine.getInstance().getGpuCount() > 0) {
            return;
        }
        Path token = Files.writeString(dir.resolve("worker-token"), "secret");

        // no backend runs at this URL: the agent must stop at the engine check, before any claim
        Outcome outcome = run("--token-file", token.toString(), "--device", "gpu", "--backend", "http://127.0.0.1:9",
                "--data-root", dir.resolve("data").toString());

        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.stderr()).contains("--device gpu: the PyTorch engine sees no GPU")
                .contains("libtorch 2.7.1 (cpu) from").contains("normlab-worker-gpu.jar").contains("PYTORCH_LIBRARY_PATH");
    }
}

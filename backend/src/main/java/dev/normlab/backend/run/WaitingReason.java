package dev.normlab.backend.run;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * Why a queued run is still waiting, from the workers the queue saw in the last hour: so a run no worker can take
 * (too big, wrong device, no worker for its team) says so instead of waiting without a word.
 */
final class WaitingReason {

    /** A worker seen recently: its device, memory and the team it works for (null: every team). */
    record SeenWorker(String deviceKind, long deviceMemoryBytes, Long teamId) {
    }

    private WaitingReason() {
    }

    /** Null when the run is not queued, or when an eligible worker exists and the run just waits its turn. */
    static String of(RunRow run, List<SeenWorker> seen, OffsetDateTime now) {
        if (run.status() != RunStatus.QUEUED) {
            return null;
        }
        if (run.notBefore() != null && run.notBefore().isAfter(now)) {
            return "retry back-off: claimable from " + run.notBefore();
        }
        List<SeenWorker> forTeam = seen.stream().filter(w -> w.teamId() == null || w.teamId() == run.teamId()).toList();
        String device = run.device().equals("any") ? "" : run.device().toUpperCase(Locale.ROOT) + " ";
        List<SeenWorker> rightDevice = forTeam.stream()
                .filter(w -> run.device().equals("any") || run.device().equals(w.deviceKind())).toList();
        if (rightDevice.isEmpty()) {
            return forTeam.isEmpty() ? "no worker that takes this team's runs was seen in the last hour"
                    : "no " + device + "worker was seen in the last hour";
        }
        long largest = rightDevice.stream().mapToLong(SeenWorker::deviceMemoryBytes).max().orElse(0);
        if (largest < run.requiredMemoryBytes()) {
            return "no " + device + "worker seen in the last hour has " + gb(run.requiredMemoryBytes())
                    + " (the largest has " + gb(largest) + ")";
        }
        return null;
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}

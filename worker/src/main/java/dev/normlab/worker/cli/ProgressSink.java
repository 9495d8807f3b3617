package dev.normlab.worker.cli;

import dev.normlab.api.worker.MetricPoint;
import dev.normlab.worker.training.MetricSink;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Shows training progress from the metric stream: a progress bar redrawn in place on a terminal, or a plain line
 * every {@code interval} otherwise (logs, pipes).
 */
final class ProgressSink implements MetricSink {

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long totalSteps;
    private final Duration interval;
    private final long startNanos = System.nanoTime();
    private long firstStep = -1;
    private long lastPrintNanos;
    private double loss = Double.NaN;
    private double tokensPerSecond = Double.NaN;
    private double evalLoss = Double.NaN;

    ProgressSink(PrintStream out, boolean terminal, long totalSteps, Duration interval) {
        this.out = out;
        this.terminal = terminal;
        this.totalSteps = totalSteps;
        this.interval = interval;
    }

    @Override
    public void record(MetricPoint p) {
        switch (p.key()) {
            case "train_loss" -> loss = p.value();
            case "eval_loss" -> {
                evalLoss = p.value();
                if (!terminal) {
                    out.printf("step %d/%d  eval_loss %.4f  eval_ppl %.2f%n", p.step(), totalSteps, p.value(), Math.exp(p.value()));
                }
            }
            case "tokens_per_s" -> {
                tokensPerSecond = p.value();
                show(p.step()); // the last point of a step
            }
            default -> {
            }
        }
    }

    private void show(long step) {
        if (firstStep < 0) {
            firstStep = step - 1;
        }
        long now = System.nanoTime();
        boolean last = step >= totalSteps;
        if (!terminal && !last && now - lastPrintNanos < interval.toNanos()) {
            return;
        }
        lastPrintNanos = now;
        String line = String.format("step %d/%d  loss %.4f  eval %.4f  %,.0f tok/s  ETA %s",
                step, totalSteps, loss, evalLoss, tokensPerSecond, eta(step, now));
        if (terminal) {
            int filled = (int) (BAR_WIDTH * step / Math.max(1, totalSteps));
            out.print("\r[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String eta(long step, long now) {
        long done = step - firstStep;
        if (done <= 0) {
            return "?";
        }
        long secondsLeft = Math.round((now - startNanos) / 1e9 / done * (totalSteps - step));
        return String.format("%d:%02d:%02d", secondsLeft / 3600, secondsLeft / 60 % 60, secondsLeft % 60);
    }
}

package dev.normlab.worker.cli;

import dev.normlab.api.worker.MetricPoint;
import dev.normlab.worker.training.MetricSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** Metric points as JSON lines ({@code {"key":…,"step":…,"tokens":…,"seconds":…,"value":…}}). */
public final class JsonlMetricSink implements MetricSink {

    private final JsonMapper json = JsonMapper.builder().build();
    private final BufferedWriter out;

    private JsonlMetricSink(BufferedWriter out) {
        this.out = out;
    }

    /** A new file (an existing one is replaced). */
    public static JsonlMetricSink create(Path file) throws IOException {
        return new JsonlMetricSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /**
     * Continues the file of a run resumed at {@code resumedStep}: points after that step came from the attempt
     * that stopped and are about to be recomputed, so they are dropped (as the backend replaces them).
     */
    public static JsonlMetricSink resume(Path file, long resumedStep) throws IOException {
        JsonMapper reader = JsonMapper.builder().build();
        List<String> kept = Files.exists(file)
                ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank())
                        .filter(line -> reader.readValue(line, MetricPoint.class).step() <= resumedStep)
                        .toList()
                : List.of();
        Files.write(file, kept, StandardCharsets.UTF_8);
        return new JsonlMetricSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    @Override
    public void record(MetricPoint point) {
        try {
            out.write(json.writeValueAsString(point));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics failed", e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics failed", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics failed", e);
        }
    }
}

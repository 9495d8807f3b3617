package dev.normlab.backend.metric;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.backend.team.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Metric ingest (worker tokens only): idempotent, fenced by (run, attempt). */
@RestController
@RequestMapping("/api/v1/worker/runs")
class MetricIngestController {

    private final MetricBatchReader reader;
    private final MetricIngestService ingest;
    private final Counter ingested;

    MetricIngestController(MetricBatchReader reader, MetricIngestService ingest, MeterRegistry meters) {
        this.reader = reader;
        this.ingest = ingest;
        this.ingested = Counter.builder("normlab.metric.points.ingested")
                .description("metric points accepted by POST /api/v1/worker/runs/{id}/metrics").register(meters);
    }

    /**
     * 204 when stored; 409 when the attempt no longer holds the run; 400 naming the field for a non-finite value.
     * The body is read here (not bound by Spring) so that NaN/Infinity tokens reach the finite-value check.
     */
    @PostMapping(path = "/{id}/metrics", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> ingest(@PathVariable long id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = MetricBatch.class)))
            @RequestBody byte[] body, HttpServletRequest request, Caller caller) {
        int points = ingest.ingest(caller, id, reader.read(body, request));
        ingested.increment(points);
        return ResponseEntity.noContent().build();
    }
}

package dev.normlab.backend.events;

import dev.normlab.backend.metric.MetricQueryService;
import dev.normlab.backend.metric.RunPoint;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open event streams of this replica, by run. One thread does all sending, so each stream sees its events
 * in notification order (its first state, then metrics and state changes) and no emitter is written by two
 * threads; a batch is re-read from the database once however many streams follow the run.
 */
@Component
class RunEventHub implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunEventHub.class);
    /** A NOTIFY names a step range of one batch (≤ 10,000 points); this bounds a pathological re-read. */
    static final int MAX_POINTS_PER_EVENT = 20_000;

    private final MetricQueryService metrics;
    private final RunStates states;
    private final EventsProperties properties;
    private final Map<Long, Set<SseEmitter>> streams = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "normlab-run-event-sender");
        t.setDaemon(true);
        return t;
    });

    RunEventHub(MetricQueryService metrics, RunStates states, EventsProperties properties) {
        this.metrics = metrics;
        this.states = states;
        this.properties = properties;
        long keepAlive = properties.keepAlive().toMillis();
        sender.scheduleWithFixedDelay(this::keepAlive, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
    }

    /** A stream of the run's events, starting with its current state; it completes when the run ends. */
    SseEmitter open(long runId) {
        SseEmitter emitter = new SseEmitter(properties.timeout().toMillis());
        emitter.onCompletion(() -> remove(runId, emitter));
        emitter.onTimeout(() -> remove(runId, emitter));
        emitter.onError(e -> remove(runId, emitter));
        sender.execute(() -> {
            // registered before the state is read: a change committed in between arrives as an event after it
            streams.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(emitter);
            Optional<StateEvent> state = states.current(runId);
            if (state.isEmpty()) {
                remove(runId, emitter);
                emitter.complete();
                return;
            }
            sendState(runId, emitter, state.get());
        });
        return emitter;
    }

    /** Called by the listener thread; the work happens on the sender thread. */
    void dispatch(RunNotification notification) {
        sender.execute(() -> deliver(notification));
    }

    private void deliver(RunNotification n) {
        Set<SseEmitter> emitters = streams.get(n.runId());
        if (emitters == null || emitters.isEmpty()) {
            return;
        }
        if (n.kind() == RunNotification.STATE) {
            StateEvent state = new StateEvent(n.runId(), n.status(), (int) n.a());
            List.copyOf(emitters).forEach(e -> sendState(n.runId(), e, state));
        } else {
            List<RunPoint> points = metrics.livePoints(n.runId(), n.a(), n.b(), MAX_POINTS_PER_EVENT);
            if (!points.isEmpty()) {
                MetricsEvent event = new MetricsEvent(n.runId(), points);
                List.copyOf(emitters).forEach(e -> send(n.runId(), e, SseEmitter.event().name("metrics").data(event, MediaType.APPLICATION_JSON)));
            }
        }
    }

    private void sendState(long runId, SseEmitter emitter, StateEvent state) {
        if (send(runId, emitter, SseEmitter.event().name("state").data(state, MediaType.APPLICATION_JSON)) && state.terminal()) {
            remove(runId, emitter);
            emitter.complete();
        }
    }

    private boolean send(long runId, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            return true;
        } catch (IOException | IllegalStateException e) {
            // the client went away (or the stream already completed): forget it
            log.debug("run {} event stream closed: {}", runId, e.getMessage());
            remove(runId, emitter);
            return false;
        }
    }

    private void keepAlive() {
        streams.forEach((runId, emitters) -> List.copyOf(emitters).forEach(e -> send(runId, e, SseEmitter.event().comment("keep-alive"))));
    }

    private void remove(long runId, SseEmitter emitter) {
        streams.computeIfPresent(runId, (id, set) -> {
            set.remove(emitter);
            return set.isEmpty() ? null : set;
        });
    }

    /** Open streams of a run on this replica. */
    int streamsOf(long runId) {
        Set<SseEmitter> emitters = streams.get(runId);
        return emitters == null ? 0 : emitters.size();
    }

    void closeAll() {
        streams.values().forEach(set -> List.copyOf(set).forEach(SseEmitter::complete));
        streams.clear();
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
    }
}

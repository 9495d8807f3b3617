package dev.normlab.backend.events;

import dev.normlab.backend.system.PgChannelListener;
import javax.sql.DataSource;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * LISTENs on {@link RunEventSignal#CHANNEL} and hands every notification to the {@link RunEventHub}: a batch
 * ingested or a run finished on any replica reaches the streams of this one.
 */
@Component
class RunEventListener implements SmartLifecycle {

    private final RunEventHub hub;
    private final PgChannelListener listener;

    RunEventListener(DataSource dataSource, RunEventHub hub) {
        this.hub = hub;
        this.listener = new PgChannelListener(dataSource, RunEventSignal.CHANNEL, "normlab-run-event-listener",
                notifications -> notifications.forEach(n -> RunNotification.parse(n.getParameter()).ifPresent(hub::dispatch)));
    }

    @Override
    public void start() {
        listener.start();
    }

    @Override
    public void stop() {
        listener.stop();
        hub.closeAll();
    }

    @Override
    public boolean isRunning() {
        return listener.isRunning();
    }
}

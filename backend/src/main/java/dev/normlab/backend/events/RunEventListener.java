package dev.normlab.backend.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * LISTENs on {@link RunEventSignal#CHANNEL} over a dedicated connection and hands every notification to the
 * {@link RunEventHub}: a batch ingested or a run finished on any replica reaches the streams of this one.
 */
@Component
class RunEventListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunEventListener.class);
    private static final int POLL_MILLIS = 500;
    private static final long FIRST_LISTEN_WAIT_SECONDS = 30;

    private final DataSource dataSource;
    private final RunEventHub hub;
    private volatile boolean running;
    private Thread listener;
    // start() returns only once LISTEN is in place: a NOTIFY sent earlier would be lost for good
    private final CountDownLatch listening = new CountDownLatch(1);

    RunEventListener(DataSource dataSource, RunEventHub hub) {
        this.dataSource = dataSource;
        this.hub = hub;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + RunEventSignal.CHANNEL);
                }
                listening.countDown();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            RunNotification.parse(n.getParameter()).ifPresent(hub::dispatch);
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    // notifications sent while reconnecting are lost: streams miss them until the next one
                    log.warn("run event listener lost its connection, reconnecting: {}", e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "normlab-run-event-listener");
        listener.setDaemon(true);
        listener.start();
        try {
            if (!listening.await(FIRST_LISTEN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("run event listener not listening after {} s; live events start when it is", FIRST_LISTEN_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            try {
                listener.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        hub.closeAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

package dev.normlab.backend.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that LISTENs on a Postgres channel over a dedicated connection and hands each non-empty poll's
 * notifications to a consumer, reconnecting when the connection drops. This is how a NOTIFY from any backend
 * replica reaches this one (queue wake-ups, live run events).
 */
public final class PgChannelListener {

    private static final Logger log = LoggerFactory.getLogger(PgChannelListener.class);
    private static final int POLL_MILLIS = 500;
    private static final long FIRST_LISTEN_WAIT_SECONDS = 30;

    private final DataSource dataSource;
    private final String channel;
    private final String threadName;
    private final Consumer<List<PGNotification>> onNotifications;
    // start() returns only once LISTEN is in place: a NOTIFY sent earlier would be lost for good
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public PgChannelListener(DataSource dataSource, String channel, String threadName,
            Consumer<List<PGNotification>> onNotifications) {
        this.dataSource = dataSource;
        this.channel = channel;
        this.threadName = threadName;
        this.onNotifications = onNotifications;
    }

    public void start() {
        running = true;
        thread = new Thread(this::listen, threadName);
        thread.setDaemon(true);
        thread.start();
        try {
            if (!listening.await(FIRST_LISTEN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("{} not listening after {} s; notifications arrive once it is", threadName, FIRST_LISTEN_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                listening.countDown();
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        onNotifications.accept(List.of(notifications));
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    // notifications sent while reconnecting are lost: listeners see the next one
                    log.warn("{} lost its connection, reconnecting: {}", threadName, e.getMessage());
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
}

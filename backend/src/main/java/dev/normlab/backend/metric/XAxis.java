package dev.normlab.backend.metric;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a metric history is plotted against. Tokens and seconds are assumed non-decreasing in step (they count
 * up over the run, summed over attempts): the query maps an x range to a step range through that order.
 */
public enum XAxis {
    STEP("step"), TOKENS("tokens"), SECONDS("seconds");

    private final String id;

    XAxis(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Column of {@code metric_points}; {@code first_}/{@code last_} + it in {@code metric_blocks}. */
    String column() {
        return id;
    }

    public static Optional<XAxis> byId(String id) {
        return Arrays.stream(values()).filter(x -> x.id.equals(id)).findFirst();
    }

    double of(StoredPoint point) {
        return switch (this) {
            case STEP -> point.step();
            case TOKENS -> point.tokens();
            case SECONDS -> point.seconds();
        };
    }
}

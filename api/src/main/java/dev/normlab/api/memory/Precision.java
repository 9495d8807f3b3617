package dev.normlab.api.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Element type of weights, gradients and optimizer state. */
public enum Precision {
    FP32("fp32", 4),
    BF16("bf16", 2);

    private final String id;
    private final int bytes;

    Precision(String id, int bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    public String id() {
        return id;
    }

    public int bytes() {
        return bytes;
    }

    public static Optional<Precision> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst();
    }
}

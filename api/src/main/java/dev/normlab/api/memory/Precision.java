package dev.normlab.api.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How weights, gradients and optimizer state are stored: {@link #bytes()} per element of each.
 *
 * <p>{@link #BF16} is everything in bf16, the papers' memory table (what-if figures for the dashboard).
 * {@link #BF16_MIXED} is what a run with {@code precision: bf16} does on a GPU: bf16 activations and matmuls with
 * fp32 master weights, fp32 gradients and fp32 optimizer state, so its weights, gradients and state cost what fp32
 * does; the bf16 copies of the weights made in each forward pass (2 bytes per parameter) live only during the step,
 * with the activations, which this model does not count.
 */
public enum Precision {
    FP32("fp32", 4),
    BF16("bf16", 2),
    BF16_MIXED("bf16-mixed", 4);

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

package dev.normlab.api.memory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The optimizers a run can use. The stateless methods (SinkGD, SWAN) and SGD apply to the hidden
 * matrices only; embedding, head and gains always go to AdamW, as in both papers.
 */
public enum OptimizerKind {
    ADAMW("adamw"),
    SGD("sgd"),
    SINKGD("sinkgd"),
    SWAN("swan");

    /** AdamW keeps two moments (m, v) per parameter. */
    public static final int ADAMW_STATE_SLOTS = 2;

    private final String id;

    OptimizerKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * Persistent state elements this optimizer keeps per hidden-matrix parameter.
     *
     * @param sgdMomentum SGD's momentum factor; a momentum buffer exists only when it is non-zero
     */
    public int hiddenStateSlots(double sgdMomentum) {
        return switch (this) {
            case ADAMW -> ADAMW_STATE_SLOTS;
            case SGD -> sgdMomentum == 0 ? 0 : 1;
            case SINKGD, SWAN -> 0;
        };
    }

    public static Optional<OptimizerKind> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.id.equals(wanted)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(OptimizerKind::id).toList();
    }

}

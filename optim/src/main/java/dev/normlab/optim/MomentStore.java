package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persistent per-parameter state arrays, one per named slot, owned by one {@link NDManager} of the optimizer.
 * Not DJL's {@code withDefaultState}: those arrays are detached, and an enclosing
 * {@code NDScope} frees them under you (DJL's Adam dies at step 2 that way).
 */
final class MomentStore implements AutoCloseable {

    private final NDManager manager;
    private final List<String> slots;
    private final Map<String, NDArray[]> states = new ConcurrentHashMap<>();

    /** @param slots torch's state keys, in the order {@link #of} returns the arrays */
    MomentStore(NDManager manager, List<String> slots) {
        this.manager = manager;
        this.slots = List.copyOf(slots);
    }

    /** The state of a parameter, allocated as zeros like the weight on first use. */
    NDArray[] of(String parameterId, NDArray weight) {
        return states.computeIfAbsent(parameterId, id -> {
            NDArray[] s = new NDArray[slots.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
                NDScope.unregister(s[i]); // allocated inside someone's NDScope, still ours
            }
            return s;
        });
    }

    /** The live arrays of a parameter by slot name, allocated first when needed. */
    Map<String, NDArray> named(String parameterId, NDArray weight) {
        return named(of(parameterId, weight));
    }

    /** The live arrays of a parameter by slot name, empty if none yet. */
    Map<String, NDArray> named(String parameterId) {
        NDArray[] s = states.get(parameterId);
        return s == null ? Map.of() : named(s);
    }

    private Map<String, NDArray> named(NDArray[] s) {
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (int i = 0; i < s.length; i++) {
            byName.put(slots.get(i), s[i]);
        }
        return Collections.unmodifiableMap(byName);
    }

    long bytes() {
        return states.values().stream().mapToLong(MomentStore::bytesOf).sum();
    }

    long bytes(String parameterId) {
        NDArray[] s = states.get(parameterId);
        return s == null ? 0 : bytesOf(s);
    }

    private static long bytesOf(NDArray[] s) {
        long total = 0;
        for (NDArray a : s) {
            total += a.size() * a.getDataType().getNumOfBytes();
        }
        return total;
    }

    @Override
    public void close() {
        states.clear();
        manager.close();
    }
}

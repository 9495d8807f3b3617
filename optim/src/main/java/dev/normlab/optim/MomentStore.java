package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persistent per-parameter state arrays, owned by one {@link NDManager} of the optimizer.
 * Not DJL's {@code withDefaultState}: those arrays are detached, and an enclosing
 * {@code NDScope} frees them under you (DJL's Adam dies at step 2 that way).
 */
final class MomentStore implements AutoCloseable {

    private final NDManager manager;
    private final int slots;
    private final Map<String, NDArray[]> states = new ConcurrentHashMap<>();

    MomentStore(NDManager manager, int slots) {
        this.manager = manager;
        this.slots = slots;
    }

    /** The state of a parameter, allocated as zeros like the weight on first use. */
    NDArray[] of(String parameterId, NDArray weight) {
        return states.computeIfAbsent(parameterId, id -> {
            NDArray[] s = new NDArray[slots];
            for (int i = 0; i < slots; i++) {
                s[i] = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
                NDScope.unregister(s[i]); // allocated inside someone's NDScope, still ours
            }
            return s;
        });
    }

    /** The live state arrays of a parameter (empty if none yet): read or set them to checkpoint. */
    ai.djl.ndarray.NDList live(String parameterId) {
        NDArray[] s = states.get(parameterId);
        return s == null ? new ai.djl.ndarray.NDList() : new ai.djl.ndarray.NDList(s);
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

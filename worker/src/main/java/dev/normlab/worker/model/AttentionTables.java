package dev.normlab.worker.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * RoPE tables, built once per (sequence length, device, dtype) and shared by every layer, instead of
 * being rebuilt each forward.
 *
 * <p>The arrays live in a sub-manager of the manager the model was initialized with, so they
 * outlive per-step sub-managers, and are unregistered from any {@link NDScope} open while they
 * are built (a scope closes every array made on its thread, whatever its manager).
 *
 * <p>RoPE follows HuggingFace's {@code rotate_half} convention: with {@code x = [x1, x2]} split
 * in halves of the head dimension, {@code rope(x) = x·cos + [-x2, x1]·sin} where
 * {@code cos = [cos(pθ), cos(pθ)]}. We store {@code sinSigned = [-sin(pθ), sin(pθ)]} so that
 * {@code rope(x) = x·cos + [x2, x1]·sinSigned}: one split and one concat, no negation.
 */
final class AttentionTables implements AutoCloseable {

    /** The RoPE tables of one sequence length, shaped (T, 1, hd) to broadcast over (B, T, nh, hd). */
    record Rope(NDArray cos, NDArray sinSigned) {
    }

    private record Key(long seq, Device device, DataType type) {
    }

    private final int headDim;
    private final double theta;
    private final Map<Key, Rope> ropes = new HashMap<>();
    private NDManager manager;

    AttentionTables(int headDim, double theta) {
        this.headDim = headDim;
        this.theta = theta;
    }

    /** Called when the model is initialized: tables are owned by a sub-manager of {@code parent}. */
    void open(NDManager parent) {
        close();
        manager = parent.newSubManager();
    }

    Rope rope(long seq, Device device, DataType type) {
        return ropes.computeIfAbsent(new Key(seq, device, type), k -> buildRope(k));
    }

    private Rope buildRope(Key key) {
        int t = (int) key.seq();
        int half = headDim / 2;
        double[] cos = new double[t * headDim];
        double[] sin = new double[t * headDim];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p / Math.pow(theta, (2.0 * i) / headDim);
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = -s;
                sin[p * headDim + half + i] = s;
            }
        }
        Shape shape = new Shape(t, 1, headDim);
        return new Rope(keep(cos, shape, key), keep(sin, shape, key));
    }

    /** An array of {@code values} in the key's dtype and device, owned by the long-lived manager. */
    private NDArray keep(double[] values, Shape shape, Key key) {
        if (manager == null) {
            throw new IllegalStateException("initialize the model before the first forward");
        }
        NDArray array;
        if (key.type() == DataType.FLOAT64) {
            array = manager.create(values, shape);
        } else {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            array = manager.create(floats, shape);
        }
        if (!array.getDevice().equals(key.device())) {
            NDArray moved = array.toDevice(key.device(), false);
            array.close();
            array = moved;
        }
        if (array.getDataType() != key.type()) {
            NDArray cast = array.toType(key.type(), false); // bf16 only on GPU
            array.close();
            array = cast;
        }
        array.attach(manager);
        NDScope.unregister(array);
        return array;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        ropes.clear();
    }
}

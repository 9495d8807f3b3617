package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The stacked path of {@link RoutedOptimizer}: hidden matrices grouped by shape (q,k,v,o of all
 * layers; gate and up; down). DJL calls {@code update} once per parameter; each call copies that
 * gradient into slice i of its group's transient {@code (B, m, n)} fp32 buffer, and the call
 * that completes the group normalizes the whole stack in one batched transform and updates all
 * its weights. The buffer is freed right after, so nothing persists between steps.
 */
final class HiddenStacks {

    private record Slot(Group group, int index) {}

    private static final class Group {
        final List<String> ids;
        final Shape shape;
        final NDArray[] weights;
        NDManager buffers;
        NDArray stack;
        int arrived;

        Group(List<String> ids, Shape shape) {
            this.ids = List.copyOf(ids);
            this.shape = shape;
            this.weights = new NDArray[ids.size()];
        }
    }

    private final StatelessOptimizer rule;
    private final Map<String, Slot> slots = new HashMap<>();
    private final List<Group> groups = new ArrayList<>();

    /**
     * @param maxStackBytes cap on one stack's fp32 buffer; a larger same-shape group is split into
     *     several stacks. Each stack allocates a few transients of this size per step; above glibc's
     *     largest mmap threshold (32 MiB) every one is a fresh mmap with page faults on first touch,
     *     which on CPU cost more than the JNI calls stacking saves.
     */
    HiddenStacks(StatelessOptimizer rule, List<Route> hidden, long maxStackBytes) {
        this.rule = rule;
        Map<Shape, List<String>> byShape = new LinkedHashMap<>();
        hidden.forEach(r -> byShape.computeIfAbsent(r.shape(), s -> new ArrayList<>()).add(r.id()));
        byShape.forEach((shape, ids) -> {
            int perStack = (int) Math.max(1, Math.min(ids.size(), maxStackBytes / (shape.size() * Float.BYTES)));
            for (int from = 0; from < ids.size(); from += perStack) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + perStack));
                Group g = new Group(chunk, shape);
                groups.add(g);
                for (int i = 0; i < chunk.size(); i++) {
                    slots.put(chunk.get(i), new Slot(g, i));
                }
            }
        });
    }

    boolean contains(String parameterId) {
        return slots.containsKey(parameterId);
    }

    /** Shape and size of every stack, in the block's order. */
    List<Map.Entry<Shape, Integer>> stackSizes() {
        return groups.stream().map(g -> Map.entry(g.shape, g.ids.size())).toList();
    }

    void accept(String parameterId, NDArray weight, NDArray grad) {
        Slot slot = slots.get(parameterId);
        Group g = slot.group();
        if (g.weights[slot.index()] != null) {
            throw new IllegalStateException("parameter " + parameterId + " arrived twice before its stack "
                    + g.shape + " x" + g.ids.size() + " was complete: every member needs a gradient each step");
        }
        if (g.stack == null) {
            g.buffers = weight.getManager().newSubManager(weight.getDevice());
            g.stack = g.buffers.create(new Shape(g.ids.size()).addAll(g.shape), DataType.FLOAT32);
        }
        if (grad.getDataType() == DataType.FLOAT32) {
            g.stack.set(new NDIndex(slot.index()), grad);
        } else {
            try (NDArray g32 = grad.toType(DataType.FLOAT32, true)) {
                g.stack.set(new NDIndex(slot.index()), g32);
            }
        }
        g.weights[slot.index()] = weight;
        if (++g.arrived == g.ids.size()) {
            flush(g);
        }
    }

    /**
     * Updates every stack from the weights' own gradients: each stack gathered in one call, no intermediate
     * copy (the path of {@link RoutedOptimizer#step}). The gradients are zeroed afterwards.
     */
    void updateAll(Function<String, NDArray> weightOf) {
        for (Group g : groups) {
            if (g.arrived != 0) {
                throw new IllegalStateException("stack " + g.shape + " x" + g.ids.size()
                        + " is half filled by update(): do not mix update() and step() within one step");
            }
            List<NDArray> weights = g.ids.stream().map(weightOf).toList();
            try (NDManager scope = weights.get(0).getManager().newSubManager(weights.get(0).getDevice())) {
                NDList grads = new NDList(weights.size());
                for (NDArray w : weights) {
                    NDArray grad = w.getGradient(); // a handle on the gradient, closed with the scope
                    grad.attach(scope);
                    grads.add(grad);
                }
                NDArray stack = NDArrays.stack(grads).toType(DataType.FLOAT32, false);
                rule.updateStack(g.ids, weights, stack);
            }
        }
    }

    private void flush(Group g) {
        try {
            rule.updateStack(g.ids, Arrays.asList(g.weights), g.stack);
        } finally {
            g.buffers.close();
            g.buffers = null;
            g.stack = null;
            g.arrived = 0;
            Arrays.fill(g.weights, null);
        }
    }
}

package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer a trainer is given: routes each parameter by role. Hidden matrices take the
 * chosen hidden rule (SinkGD, SWAN, SGD or AdamW); embedding, head, gains, biases and anything
 * unmatched take AdamW.
 *
 * <pre>{@code
 * Block model = ...; model.initialize(manager, DataType.FLOAT32, inputShape);
 * Tracker lr = ...;                                   // warmup + cosine
 * RoutedOptimizer optimizer = RoutedOptimizer.builder()
 *         .setParameters(model.getParameters())       // routes by name, ids for update()
 *         .setHiddenRule(SinkGd.builder().setLearningRateTracker(lr).build())
 *         .setAdamW(AdamW.builder().setLearningRateTracker(lr).build())
 *         .optStackHidden(onGpu || small)             // batched path (see below)
 *         .build();
 * optimizer.summary();      // name, shape, role, rule, state bytes of every parameter
 * TrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(optimizer);
 * ... trainer.step() as usual, or optimizer.step() after backward (no gradient copies: see step());
 * optimizer.stateBytes() / stateBytesByRole(); optimizer.close() at the end.
 * optimizer.stateDict();    // checkpoint: id → {exp_avg, exp_avg_sq | momentum_buffer} → live array
 * optimizer.loadStateDict(saved);   // resume: copied into the live arrays (with optBeginNumUpdate(step) on the rules)
 * }</pre>
 *
 * <p><b>Stacked path.</b> With {@code optStackHidden(true)} (stateless hidden rules only) the
 * hidden matrices are grouped by shape when the optimizer is built (for LLaMA: q,k,v,o of all
 * layers; gate and up; down), each split into stacks of at most {@code optMaxStackBytes}. The
 * training loop does not change: during {@code trainer.step()}
 * DJL calls {@link #update} per parameter; each hidden gradient is copied into its group's
 * transient {@code (B, m, n)} buffer and the call completing the group normalizes the stack in
 * one batched call and updates every weight of the group (tested equal to the per-matrix path).
 * So every hidden matrix must receive a gradient every step (a missing one is an error at the
 * next step). With {@link #step()} instead of {@code trainer.step()} each stack is gathered from
 * the gradients in one call. Explicit use without a trainer: {@link StatelessOptimizer#updateStack}.
 * It pays where per-call overhead dominates: on a GPU, and on a CPU for small matrices
 * (docs/benchmarks.md).
 *
 * <p>Gradient hooks (rescale, clip) and weight decay are configured on the two rules, not here.
 */
public final class RoutedOptimizer extends Optimizer implements StateSize, AutoCloseable {

    /** Default cap on one stack of the stacked path (see {@link Builder#optMaxStackBytes}). */
    public static final long DEFAULT_MAX_STACK_BYTES = 16L << 20;

    private final RoutingTable routing;
    private final Optimizer hiddenRule;
    private final AdamW adamW;
    private final HiddenStacks stacks; // null: per-matrix path
    private final Map<String, Parameter> trainable; // by id, in the block's order: what step() updates

    private RoutedOptimizer(Builder builder) {
        super(builder);
        if (rescaleGrad != 1f || clipGrad >= 0f || getWeightDecay() != 0f) {
            throw new IllegalArgumentException(
                    "rescaleGrad, clipGrad and weightDecays belong on the hidden rule and the AdamW, not on RoutedOptimizer");
        }
        this.hiddenRule = Checks.required("hiddenRule", builder.hiddenRule);
        this.adamW = Checks.required("adamW", builder.adamW);
        ParameterRouter router = builder.router != null ? builder.router : ParameterRouter.llamaDefaults();
        PairList<String, Parameter> parameters = Checks.required("parameters", builder.parameters);
        this.routing = router.route(parameters);
        if (builder.stackHidden && !(hiddenRule instanceof StatelessOptimizer)) {
            throw new IllegalArgumentException("stackHidden needs a stateless hidden rule (SinkGd, Swan), got "
                    + hiddenRule.getClass().getSimpleName());
        }
        this.stacks = builder.stackHidden
                ? new HiddenStacks((StatelessOptimizer) hiddenRule, routing.withRole(ParameterRole.HIDDEN_MATRIX),
                        builder.maxStackBytes)
                : null;
        this.trainable = new LinkedHashMap<>();
        parameters.values().stream().filter(Parameter::requiresGradient).forEach(p -> trainable.put(p.getId(), p));
        allocateUpFront(parameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    // every rule's state now, in the rule's own manager: lazily created state inside an NDScope is freed; and a
    // resumed run needs live arrays to load into even where the checkpoint was taken before the first step
    private void allocateUpFront(PairList<String, Parameter> parameters) {
        for (Parameter p : parameters.values()) {
            if (p.isInitialized() && ruleOf(p.getId()) instanceof StatefulRule rule) {
                rule.state(p.getId(), p.getArray());
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (stacks != null && stacks.contains(parameterId)) {
            stacks.accept(parameterId, weight, grad);
        } else {
            ruleOf(parameterId).update(parameterId, weight, grad);
        }
    }

    /**
     * One step over the gradients autograd left on the parameters, as {@code torch.optim}'s {@code step()}:
     * the result of {@link #update} for every trainable parameter, without copying any gradient.
     * ({@code trainer.step()} goes through DJL's {@code LocalParameterServer}, which duplicates every gradient
     * before calling {@code update}; the stacked path then copies it again into its stack. Here each stack is
     * gathered from the gradients in one call.) Every gradient is zeroed afterwards.
     */
    public void step() {
        if (stacks != null) {
            stacks.updateAll(id -> trainable.get(id).getArray());
        }
        List<String> adamIds = new ArrayList<>();
        List<NDArray> adamWeights = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            String id = e.getKey();
            if (stacks != null && stacks.contains(id)) {
                continue;
            }
            NDArray weight = e.getValue().getArray();
            if (ruleOf(id) == adamW) { // every AdamW parameter in one fused call below
                adamIds.add(id);
                adamWeights.add(weight);
                continue;
            }
            try (NDArray grad = weight.getGradient()) { // a new handle on the gradient, not a copy
                ruleOf(id).update(id, weight, grad);
            }
        }
        if (!adamIds.isEmpty()) {
            try (NDManager handles = adamWeights.get(0).getManager().newSubManager()) {
                List<NDArray> grads = new ArrayList<>(adamWeights.size());
                for (NDArray weight : adamWeights) {
                    NDArray grad = weight.getGradient(); // a new handle on the gradient, closed with handles
                    grad.attach(handles);
                    grads.add(grad);
                }
                adamW.updateAll(adamIds, adamWeights, grads);
            }
        }
    }

    /**
     * Every persistent state array, as {@code torch.optim}'s {@code state}: parameter id → (torch's state key →
     * array), in the block's order; parameters whose rule keeps nothing are absent. The arrays are the live ones,
     * not copies: write them out before the next step. The update count (AdamW's bias-correction t) is not in it: a
     * resumed run passes {@code optBeginNumUpdate(step)} to the rules.
     */
    public Map<String, Map<String, NDArray>> stateDict() {
        Map<String, Map<String, NDArray>> state = new LinkedHashMap<>();
        for (Route r : routing.routes()) {
            if (ruleOf(r.id()) instanceof StatefulRule rule && !rule.state(r.id()).isEmpty()) {
                state.put(r.id(), rule.state(r.id()));
            }
        }
        return state;
    }

    /**
     * Copies a {@link #stateDict()} (e.g. read back from a checkpoint, any dtype) into the live state arrays, each
     * converted to its array's dtype. {@code state} must hold exactly the arrays this optimizer keeps, with their
     * shapes; nothing is changed otherwise.
     *
     * @throws IllegalArgumentException naming the parameter and key of the first missing, surplus or misshapen array
     */
    public void loadStateDict(Map<String, Map<String, NDArray>> state) {
        Map<String, Map<String, NDArray>> live = stateDict();
        for (Map.Entry<String, Map<String, NDArray>> saved : state.entrySet()) {
            Map<String, NDArray> target = live.getOrDefault(saved.getKey(), Map.of());
            for (String key : saved.getValue().keySet()) {
                if (!target.containsKey(key)) {
                    throw new IllegalArgumentException("state " + key + " of " + describe(saved.getKey())
                            + " is not kept by its rule here (" + ruleName(ruleOf(saved.getKey())) + ")");
                }
            }
        }
        for (Map.Entry<String, Map<String, NDArray>> e : live.entrySet()) {
            Map<String, NDArray> saved = state.getOrDefault(e.getKey(), Map.of());
            for (Map.Entry<String, NDArray> slot : e.getValue().entrySet()) {
                NDArray value = saved.get(slot.getKey());
                if (value == null || !value.getShape().equals(slot.getValue().getShape())) {
                    throw new IllegalArgumentException("no state " + slot.getKey() + " of shape "
                            + slot.getValue().getShape() + " for " + describe(e.getKey())
                            + (value == null ? "" : " (found shape " + value.getShape() + ")"));
                }
            }
        }
        live.forEach((id, slots) -> slots.forEach((key, target) -> {
            NDArray value = state.get(id).get(key);
            target.set(value.toType(target.getDataType(), false).toByteBuffer());
        }));
    }

    private String describe(String parameterId) {
        return routing.byId(parameterId).map(Route::name).orElse("unknown parameter " + parameterId);
    }

    private Optimizer ruleOf(String parameterId) {
        return routing.roleOf(parameterId).isHidden() ? hiddenRule : adamW;
    }

    public RoutingTable routing() {
        return routing;
    }

    public boolean stacksHidden() {
        return stacks != null;
    }

    /** Every parameter with its role, rule and persistent state bytes, in the block's order. */
    public List<RouteSummary> summary() {
        return routing.routes().stream()
                .map(r -> new RouteSummary(r.name(), r.shape(), r.role(), ruleName(ruleOf(r.id())), stateBytes(r.id())))
                .toList();
    }

    /** Persistent state bytes per role (hidden / embedding / head / gains / …). */
    public Map<ParameterRole, Long> stateBytesByRole() {
        Map<ParameterRole, Long> bytes = new EnumMap<>(ParameterRole.class);
        routing.routes().forEach(r -> bytes.merge(r.role(), stateBytes(r.id()), Long::sum));
        return bytes;
    }

    @Override
    public long stateBytes() {
        return routing.routes().stream().mapToLong(r -> stateBytes(r.id())).sum();
    }

    @Override
    public long stateBytes(String parameterId) {
        return ruleOf(parameterId) instanceof StateSize s ? s.stateBytes(parameterId) : 0;
    }

    /** Frees the state of both rules. */
    @Override
    public void close() {
        adamW.close();
        if (hiddenRule != adamW && hiddenRule instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the hidden rule failed", e);
            }
        }
    }

    private static String ruleName(Optimizer rule) {
        if (rule instanceof StatelessOptimizer s) {
            return s.ruleName();
        }
        return rule.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Builds a {@link RoutedOptimizer}. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private PairList<String, Parameter> parameters;
        private ParameterRouter router;
        private Optimizer hiddenRule;
        private AdamW adamW;
        private boolean stackHidden;
        private long maxStackBytes = DEFAULT_MAX_STACK_BYTES;

        Builder() {}

        /**
         * Largest fp32 stack of the stacked path (default 16 MiB); bigger same-shape groups are
         * split. On CPU, stacks above glibc's 32 MiB mmap threshold page-fault every step.
         */
        public Builder optMaxStackBytes(long maxStackBytes) {
            if (maxStackBytes < 1) {
                throw new IllegalArgumentException("maxStackBytes must be >= 1, got " + maxStackBytes);
            }
            this.maxStackBytes = maxStackBytes;
            return this;
        }

        /** The block's parameters ({@code block.getParameters()}), initialized. */
        public Builder setParameters(PairList<String, Parameter> parameters) {
            this.parameters = parameters;
            return this;
        }

        /** The rule of the hidden matrices: {@link SinkGd}, {@link Swan}, {@link Sgd} or the AdamW itself. */
        public Builder setHiddenRule(Optimizer hiddenRule) {
            this.hiddenRule = hiddenRule;
            return this;
        }

        /** The AdamW of embedding, head, gains, biases and unmatched parameters. */
        public Builder setAdamW(AdamW adamW) {
            this.adamW = adamW;
            return this;
        }

        /** Name patterns → roles (default: {@link ParameterRouter#llamaDefaults()}). */
        public Builder optRouter(ParameterRouter router) {
            this.router = router;
            return this;
        }

        /** Normalize hidden matrices in stacked same-shape groups (default false). */
        public Builder optStackHidden(boolean stackHidden) {
            this.stackHidden = stackHidden;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public RoutedOptimizer build() {
            return new RoutedOptimizer(this);
        }
    }
}

package dev.normlab.optim.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import dev.normlab.optim.AdamW;
import dev.normlab.optim.ParameterRole;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.optim.Route;
import dev.normlab.optim.Sgd;
import dev.normlab.optim.SinkGd;
import dev.normlab.optim.Swan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Optimizer step time over the full parameter set of llama-60m / llama-130m shapes (random fp32
 * gradients, CPU), through {@link RoutedOptimizer#update} exactly as DJL's trainer calls it:
 * hidden matrices with the method's rule, embedding/head/gains with AdamW. Prints a markdown
 * table: median step, its hidden-matrix part and its AdamW part, persistent state.
 *
 * <p>Run: {@code ./mvnw -q -B -pl optim -am -Pbench -DskipTests verify} (see docs/benchmarks.md).
 * System properties: {@code bench.presets} (default {@code llama-60m,llama-130m}),
 * {@code bench.steps} (20), {@code bench.swanSteps} (5: SWAN takes seconds per step here).
 */
public final class OptimizerBench {

    private static final int WARMUP = 3;

    record Preset(String name, int hidden, int intermediate, int layers, int vocab) {}

    record Result(Preset preset, String method, int steps, double stepMs, double hiddenMs, double restMs,
            long stateBytes, long hiddenStateBytes) {}

    private record Config(String method, Supplier<Optimizer> hiddenRule, boolean stack, boolean slow, long maxStackBytes) {

        Config(String method, Supplier<Optimizer> hiddenRule, boolean stack, boolean slow) {
            this(method, hiddenRule, stack, slow, RoutedOptimizer.DEFAULT_MAX_STACK_BYTES);
        }
    }

    private static final List<Preset> PRESETS = List.of(
            new Preset("llama-60m", 512, 1376, 8, 32000),
            new Preset("llama-130m", 768, 2048, 12, 32000),
            new Preset("nano", 128, 352, 6, 259), // the CPU presets with the byte tokenizer's vocab
            new Preset("micro", 256, 688, 8, 259));

    private OptimizerBench() {}

    public static void main(String[] args) {
        List<String> wanted = Arrays.asList(System.getProperty("bench.presets", "llama-60m,llama-130m").split(","));
        int steps = Integer.getInteger("bench.steps", 20);
        int swanSteps = Integer.getInteger("bench.swanSteps", 5);
        Tracker lr = Tracker.fixed(1e-3f);
        List<Config> configs = new ArrayList<>(List.of(
                new Config("AdamW (all)", null, false, false),
                new Config("SGD (hidden) + AdamW", () -> Sgd.builder().setLearningRateTracker(lr).build(), false, false),
                new Config("SinkGD per-matrix + AdamW", () -> SinkGd.builder().setLearningRateTracker(lr).build(), false, false),
                new Config("SinkGD stacked + AdamW", () -> SinkGd.builder().setLearningRateTracker(lr).build(), true, false)));
        // bench.stackKiB=256,1024: SinkGD stacked with those caps on one stack, to find where cache beats calls
        for (String kib : System.getProperty("bench.stackKiB", "").split(",")) {
            if (!kib.isBlank()) {
                configs.add(new Config("SinkGD stacked, stacks <= " + kib.trim() + " KiB + AdamW",
                        () -> SinkGd.builder().setLearningRateTracker(lr).build(), true, false,
                        Long.parseLong(kib.trim()) * 1024));
            }
        }
        if (!Boolean.getBoolean("bench.noSwan")) {
            configs.add(new Config("SWAN stacked + AdamW", () -> Swan.builder().setLearningRateTracker(lr).build(), true, true));
        }
        List<Result> results = new ArrayList<>();
        for (Preset preset : PRESETS) {
            if (!wanted.contains(preset.name())) {
                continue;
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                PairList<String, Parameter> params = parameters(manager, preset);
                Map<String, NDArray> grads = new java.util.HashMap<>();
                for (Parameter p : params.values()) {
                    grads.put(p.getId(), manager.randomNormal(p.getArray().getShape()));
                }
                // interleaved: every step runs each fast method once, so load from other processes
                // on the shared cores hits all of them alike; SWAN (seconds per step) runs after
                List<Config> fast = configs.stream().filter(c -> !c.slow()).toList();
                results.addAll(run(preset, fast, params, grads, lr, steps));
                for (Config slow : configs.stream().filter(Config::slow).toList()) {
                    results.addAll(run(preset, List.of(slow), params, grads, lr, swanSteps));
                }
            }
        }
        print(results);
    }

    private static List<Result> run(Preset preset, List<Config> configs, PairList<String, Parameter> params,
            Map<String, NDArray> grads, Tracker lr, int steps) {
        List<RoutedOptimizer> optimizers = new ArrayList<>();
        try {
            for (Config config : configs) {
                AdamW adamW = AdamW.builder().setLearningRateTracker(lr).build();
                Optimizer hidden = config.hiddenRule() == null ? adamW : config.hiddenRule().get();
                optimizers.add(RoutedOptimizer.builder().setParameters(params).setHiddenRule(hidden)
                        .setAdamW(adamW).optStackHidden(config.stack()).optMaxStackBytes(config.maxStackBytes()).build());
            }
            Map<String, NDArray> weights = new java.util.HashMap<>();
            params.values().forEach(p -> weights.put(p.getId(), p.getArray()));
            double[][] hiddenMs = new double[configs.size()][steps];
            double[][] restMs = new double[configs.size()][steps];
            double[][] totalMs = new double[configs.size()][steps];
            for (int s = -Math.min(WARMUP, steps); s < steps; s++) {
                for (int c = 0; c < configs.size(); c++) {
                    RoutedOptimizer optimizer = optimizers.get(c);
                    List<Route> hiddenRoutes = optimizer.routing().withRole(ParameterRole.HIDDEN_MATRIX);
                    List<Route> rest = optimizer.routing().routes().stream().filter(r -> !r.role().isHidden()).toList();
                    long t0 = System.nanoTime();
                    hiddenRoutes.forEach(r -> optimizer.update(r.id(), weights.get(r.id()), grads.get(r.id())));
                    long t1 = System.nanoTime();
                    rest.forEach(r -> optimizer.update(r.id(), weights.get(r.id()), grads.get(r.id())));
                    long t2 = System.nanoTime();
                    if (s >= 0) {
                        hiddenMs[c][s] = (t1 - t0) / 1e6;
                        restMs[c][s] = (t2 - t1) / 1e6;
                        totalMs[c][s] = (t2 - t0) / 1e6;
                    }
                }
            }
            List<Result> results = new ArrayList<>();
            for (int c = 0; c < configs.size(); c++) {
                RoutedOptimizer optimizer = optimizers.get(c);
                long hiddenState = optimizer.stateBytesByRole().getOrDefault(ParameterRole.HIDDEN_MATRIX, 0L);
                results.add(new Result(preset, configs.get(c).method(), steps, median(totalMs[c]),
                        median(hiddenMs[c]), median(restMs[c]), optimizer.stateBytes(), hiddenState));
                System.err.printf("%s %s: %.1f ms%n", preset.name(), configs.get(c).method(), median(totalMs[c]));
            }
            return results;
        } finally {
            optimizers.forEach(RoutedOptimizer::close);
        }
    }

    /** The LLaMA parameter set with NormLab's DJL paths (ids = paths here). */
    static PairList<String, Parameter> parameters(NDManager manager, Preset p) {
        int h = p.hidden();
        int i = p.intermediate();
        PairList<String, Parameter> params = new PairList<>();
        add(params, manager, "01embed_tokens_weight", new Shape(p.vocab(), h));
        for (int l = 1; l <= p.layers(); l++) {
            String layer = String.format("02layers_%02ddecoder_layer_", l);
            add(params, manager, layer + "01self_attn_01q_proj_weight", new Shape(h, h));
            add(params, manager, layer + "01self_attn_02k_proj_weight", new Shape(h, h));
            add(params, manager, layer + "01self_attn_03v_proj_weight", new Shape(h, h));
            add(params, manager, layer + "01self_attn_04o_proj_weight", new Shape(h, h));
            add(params, manager, layer + "02mlp_01gate_proj_weight", new Shape(i, h));
            add(params, manager, layer + "02mlp_02up_proj_weight", new Shape(i, h));
            add(params, manager, layer + "02mlp_03down_proj_weight", new Shape(h, i));
            add(params, manager, layer + "03input_layernorm_gain", new Shape(h));
            add(params, manager, layer + "04post_attention_layernorm_gain", new Shape(h));
        }
        add(params, manager, "03norm_gain", new Shape(h));
        add(params, manager, "04lm_head_weight", new Shape(p.vocab(), h));
        return params;
    }

    private static void add(PairList<String, Parameter> params, NDManager manager, String name, Shape shape) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(manager.randomNormal(0f, 0.02f, shape, ai.djl.ndarray.types.DataType.FLOAT32));
        params.add(name, p);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void print(List<Result> results) {
        System.out.println("| preset | method | steps | step ms (median) | hidden part ms | AdamW part ms | vs AdamW | state MiB | hidden-matrix state |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            double adam = results.stream().filter(o -> o.preset() == r.preset() && o.method().startsWith("AdamW"))
                    .findFirst().map(Result::stepMs).orElse(Double.NaN);
            System.out.printf("| %s | %s | %d | %.1f | %.1f | %.1f | %.2fx | %.1f | %d B |%n", r.preset().name(),
                    r.method(), r.steps(), r.stepMs(), r.hiddenMs(), r.restMs(), r.stepMs() / adam,
                    r.stateBytes() / (1024.0 * 1024.0), r.hiddenStateBytes());
        }
    }
}

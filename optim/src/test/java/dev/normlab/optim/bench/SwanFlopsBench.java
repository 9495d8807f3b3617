package dev.normlab.optim.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.optim.Transforms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * How close SWAN's transform runs to this machine's fp32 matrix-multiply throughput. Per preset and round it times
 * (1) one large DJL {@code matMul} (2048 × 2048 · 2048 × 2048), (2) a batched {@code matMul} at the Newton–Schulz
 * shape alone (every hidden matrix's s × s Gram, s = min(m, n)) and (3) {@link Transforms#swan} over every hidden
 * gradient of the preset, grouped as the trainer groups them (same-shape stacks of at most 16 MiB for hidden ≤ 256,
 * else one matrix at a time), interleaved so load hits all three alike. FLOPs counted per matrix (m × n, s =
 * min, l = max): Gram 2·s²·l, Newton–Schulz (3k − 3)·2·s³, Z·X 2·s²·l; elementwise work is not counted.
 *
 * <p>Run: {@code ./mvnw -q -B -pl optim -am -Pswan-bench -DskipTests verify} (docs/benchmarks.md, "SWAN at the
 * matrix-multiply limit"). System properties: {@code bench.presets} (nano,micro,llama-60m), {@code bench.rounds} (3).
 */
public final class SwanFlopsBench {

    private record Preset(String name, long hidden, long intermediate, int layers) {

        List<long[]> matrixShapes() {
            List<long[]> shapes = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < 4; i++) {
                    shapes.add(new long[] {hidden, hidden}); // q, k, v, o
                }
                shapes.add(new long[] {intermediate, hidden}); // gate
                shapes.add(new long[] {intermediate, hidden}); // up
                shapes.add(new long[] {hidden, intermediate}); // down
            }
            return shapes;
        }

        boolean stacked() {
            return hidden <= 256; // OptimizerFactory.STACK_ON_CPU_MAX_HIDDEN
        }
    }

    private static final List<Preset> PRESETS = List.of(new Preset("nano", 128, 352, 6),
            new Preset("micro", 256, 688, 8), new Preset("llama-60m", 512, 1376, 8),
            new Preset("llama-130m", 768, 2048, 12));

    private SwanFlopsBench() {
    }

    public static void main(String[] args) {
        List<String> wanted = Arrays.asList(System.getProperty("bench.presets", "nano,micro,llama-60m").split(","));
        int rounds = Integer.getInteger("bench.rounds", 3);
        int k = Transforms.DEFAULT_NEWTON_SCHULZ_STEPS;
        System.out.println("| preset | round | FLOPs per step | SWAN transform ms | SWAN GFLOP/s | batched s×s matMul GFLOP/s"
                + " | 2048² matMul GFLOP/s | SWAN ÷ 2048² | SWAN ÷ batched s×s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Preset p : PRESETS) {
                if (!wanted.contains(p.name())) {
                    continue;
                }
                List<NDArray> gradients = gradients(manager, p);
                long s = p.hidden(); // every hidden matrix of a LLaMA preset has min(m, n) = hidden
                int matrices = p.matrixShapes().size();
                double flops = 0;
                for (long[] shape : p.matrixShapes()) {
                    long sm = Math.min(shape[0], shape[1]);
                    long lg = Math.max(shape[0], shape[1]);
                    flops += 4.0 * sm * sm * lg + (3.0 * k - 3) * 2.0 * sm * sm * sm;
                }
                NDArray big = manager.randomNormal(new Shape(2048, 2048));
                NDArray gram = manager.randomNormal(new Shape(Math.min(matrices, 16), s, s));
                double gramFlops = 2.0 * gram.getShape().get(0) * s * s * s;
                for (int r = 0; r <= rounds; r++) { // round 0 warms up
                    double bigMs = medianMs(() -> big.matMul(big), 5);
                    double gramMs = medianMs(() -> gram.matMul(gram), 9);
                    double swanMs = medianMs(() -> {
                        for (NDArray g : gradients) {
                            Transforms.swan(g, k, Transforms.DEFAULT_EPS).close();
                        }
                        return null;
                    }, p.hidden() >= 512 ? 3 : 7);
                    if (r == 0) {
                        continue;
                    }
                    double swanGflops = flops / swanMs / 1e6;
                    double bigGflops = 2.0 * 2048 * 2048 * 2048 / bigMs / 1e6;
                    double gramGflops = gramFlops / gramMs / 1e6;
                    System.out.printf("| %s | %d | %.2f GFLOP | %.1f | %.0f | %.0f | %.0f | %.2f | %.2f |%n", p.name(), r,
                            flops / 1e9, swanMs, swanGflops, gramGflops, bigGflops, swanGflops / bigGflops,
                            swanGflops / gramGflops);
                }
                gradients.forEach(NDArray::close);
                big.close();
                gram.close();
            }
        }
    }

    /** The preset's hidden gradients as the trainer hands them to SWAN: stacks by shape (≤ 16 MiB), or one by one. */
    private static List<NDArray> gradients(NDManager manager, Preset p) {
        List<NDArray> out = new ArrayList<>();
        if (!p.stacked()) {
            p.matrixShapes().forEach(shape -> out.add(manager.randomNormal(new Shape(shape[0], shape[1]))));
            return out;
        }
        long[][] groups = {{4L * p.layers(), p.hidden(), p.hidden()}, {2L * p.layers(), p.intermediate(), p.hidden()},
            {p.layers(), p.hidden(), p.intermediate()}};
        for (long[] group : groups) {
            long perStack = Math.max(1, Math.min(group[0], RoutedOptimizer.DEFAULT_MAX_STACK_BYTES / (group[1] * group[2] * 4)));
            for (long from = 0; from < group[0]; from += perStack) {
                out.add(manager.randomNormal(new Shape(Math.min(perStack, group[0] - from), group[1], group[2])));
            }
        }
        return out;
    }

    /** Median wall time of {@code runs} calls; a returned array is closed at once. */
    private static double medianMs(Supplier<NDArray> work, int runs) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            NDArray result = work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (result != null) {
                result.close();
            }
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}

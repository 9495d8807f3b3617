package dev.normlab.worker.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import dev.normlab.api.worker.EngineReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine self-check of a worker's start: which DJL and libtorch, which device, and a tensor round trip on that
 * device (host to device, matmuls checked against plain Java, back) of about a second, so a worker that cannot
 * train on the device it offers fails before it claims anything.
 */
public final class EngineSelfCheck {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSelfCheck.class);

    /** Round-trip check: n x n, small enough that the Java reference costs a few ms. */
    private static final int CHECK_N = 128;
    /** Throughput: n x n fp32 matmuls for about {@link #TIMING_NANOS}. */
    private static final int TIMING_N = 1_024;
    private static final long TIMING_NANOS = 600_000_000L;
    private static final double FP32_TOLERANCE = 1e-3;
    /** bf16 keeps 8 bits of mantissa: a 128-term dot product of values in [-1, 1] stays well within 5%. */
    private static final double BF16_TOLERANCE = 5e-2;

    private EngineSelfCheck() {
    }

    /**
     * Loads the engine, chooses the device and checks it.
     *
     * @param requested {@code cpu}, {@code gpu} or {@code auto} (a GPU when the engine sees one)
     * @throws EngineCheckException when the engine does not load, {@code gpu} is asked of an engine that sees no
     *     GPU (the message names the loaded libtorch and how to get the CUDA one), or the round trip fails
     */
    public static EngineReport run(String requested) {
        Engine engine = load();
        LoadedLibtorch libtorch = LoadedLibtorch.of(engine);
        int gpus = engine.getGpuCount();
        boolean gpu = switch (requested) {
            case "auto" -> gpus > 0;
            case "cpu" -> false;
            case "gpu" -> {
                if (gpus == 0) {
                    throw new EngineCheckException("--device gpu: the " + engine.getEngineName() + " engine sees no GPU: "
                            + libtorch.noGpuAdvice());
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("device must be cpu, gpu or auto, got '" + requested + "'");
        };
        if (!gpu && !libtorch.cudaBuild() && CudaUtils.getGpuCount() > 0) {
            // the case of the CPU jar on a GPU node with --device auto: it works, on the wrong device
            LOG.warn("this machine has {} CUDA GPU(s) but the engine trains on the CPU: {}", CudaUtils.getGpuCount(),
                    libtorch.noGpuAdvice());
        }
        Device device = gpu ? Device.gpu() : Device.cpu();
        long memory = gpu ? CudaUtils.getGpuMemory(device).getMax() : physicalMemoryBytes();
        String name = gpu ? CudaDeviceName.of(device.getDeviceId()) : cpuModel();
        String cudaVersion = gpu ? cudaVersion() : null;
        String capability = gpu ? dotted(CudaUtils.getComputeCapability(device.getDeviceId())) : null;

        long start = System.nanoTime();
        boolean bf16;
        double gflops;
        try (NDManager manager = engine.newBaseManager(device)) {
            checkRoundTrip(manager, DataType.FLOAT32, FP32_TOLERANCE, libtorch);
            // never on CPU: creating a BFLOAT16 array aborts the JVM with DJL 0.35.1's CPU libtorch
            bf16 = gpu && bf16Works(manager, libtorch);
            gflops = matmulGflops(manager);
        } catch (EngineCheckException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineCheckException("tensor round trip on " + device + " failed with " + libtorch.describe()
                    + ": " + e.getMessage(), e);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return new EngineReport(Engine.getDjlVersion(), engine.getEngineName(), libtorch.version(), libtorch.flavor(),
                libtorch.path(), libtorch.cudaBuild(), gpus, gpu ? "gpu" : "cpu", name, memory, cudaVersion, capability,
                bf16, round(millis), round(gflops));
    }

    /** Multi-line text for the log and the {@code engine} command. */
    public static String describe(EngineReport r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "engine: %s%n", r.libtorchDescription()));
        s.append(String.format(Locale.ROOT, "device: %s, %s, %,d MiB", r.deviceKind(),
                r.deviceName() != null ? r.deviceName() : "(name unknown)",
                r.deviceMemoryBytes() >> 20));
        if ("gpu".equals(r.deviceKind())) {
            s.append(String.format(Locale.ROOT, ", CUDA %s, compute capability %s, bf16 %s", r.cudaRuntimeVersion(),
                    r.computeCapability(), r.bf16Supported() ? "yes" : "no"));
        }
        s.append(String.format(Locale.ROOT, " (GPUs seen: %d, libtorch CUDA: %s)%n", r.gpuCount(),
                r.cudaAvailable() ? "yes" : "no"));
        s.append(String.format(Locale.ROOT, "self-check: tensor round trip ok in %.0f ms, fp32 matmul %.1f GFLOP/s",
                r.roundTripMillis(), r.matmulGflops()));
        return s.toString();
    }

    private static Engine load() {
        try {
            return Engine.getInstance();
        } catch (RuntimeException | LinkageError e) {
            boolean bundled = EngineSelfCheck.class.getClassLoader().getResource("native/lib/pytorch.properties") != null;
            String override = System.getenv("PYTORCH_LIBRARY_PATH");
            String hint = override != null && !override.isEmpty()
                    ? "PYTORCH_LIBRARY_PATH=" + override + " must hold libtorch " + LoadedLibtorch.SUPPORTED_VERSION
                            + " (the build DJL " + Engine.getDjlVersion() + "'s JNI is compiled for), with PYTORCH_VERSION="
                            + LoadedLibtorch.SUPPORTED_VERSION + " and PYTORCH_FLAVOR=" + LoadedLibtorch.CUDA_FLAVOR
                            + " (or cpu) set to match it (docs/gpu.md)"
                    : bundled
                    ? "this build bundles the CPU libtorch; see docs/gpu.md"
                    : "this build (normlab-worker-gpu.jar) bundles no libtorch: on first start DJL downloads the one "
                            + "for this machine (network needed, and no -Dai.djl.offline=true) into ~/.djl.ai, or set "
                            + "PYTORCH_LIBRARY_PATH to an installed libtorch " + LoadedLibtorch.SUPPORTED_VERSION
                            + " with PYTORCH_VERSION=" + LoadedLibtorch.SUPPORTED_VERSION + " and PYTORCH_FLAVOR "
                            + "(docs/gpu.md)";
            throw new EngineCheckException("cannot load the PyTorch engine: " + rootMessage(e) + "; " + hint, e);
        }
    }

    /** x·xᵀ on the device, copied back and compared with the same product in Java. */
    private static void checkRoundTrip(NDManager manager, DataType type, double tolerance, LoadedLibtorch libtorch) {
        float[] host = pattern(CHECK_N);
        double[] expected = gram(host, CHECK_N);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(host, new Shape(CHECK_N, CHECK_N)); // host -> device
            NDArray xt = type == DataType.FLOAT32 ? x : x.toType(type, false);
            NDArray product = xt.matMul(xt.transpose()).toType(DataType.FLOAT32, false);
            float[] back = product.toFloatArray(); // device -> host
            for (int i = 0; i < back.length; i++) {
                double err = Math.abs(back[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
                if (!(err <= tolerance)) {
                    throw new EngineCheckException(String.format(Locale.ROOT,
                            "tensor round trip on %s in %s is wrong at element %d: %s, expected %s (%s)",
                            manager.getDevice(), type, i, back[i], expected[i], libtorch.describe()));
                }
            }
        }
    }

    private static boolean bf16Works(NDManager manager, LoadedLibtorch libtorch) {
        try {
            checkRoundTrip(manager, DataType.BFLOAT16, BF16_TOLERANCE, libtorch);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** fp32 matmuls for about {@link #TIMING_NANOS}, synchronized in doubling batches (kernels are asynchronous). */
    private static double matmulGflops(NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomUniform(-1, 1, new Shape(TIMING_N, TIMING_N));
            NDArray b = scope.randomUniform(-1, 1, new Shape(TIMING_N, TIMING_N));
            a.matMul(b).sum().getFloat(); // warm-up (kernel selection, allocator), not timed
            long products = 0;
            long start = System.nanoTime();
            for (int batch = 1; System.nanoTime() - start < TIMING_NANOS; batch *= 2) {
                NDArray acc = scope.zeros(new Shape(TIMING_N, TIMING_N));
                for (int i = 0; i < batch; i++) {
                    try (NDArray c = a.matMul(b)) {
                        acc.addi(c);
                    }
                }
                acc.sum().getFloat(); // device sync
                acc.close();
                products += batch;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return 2.0 * TIMING_N * TIMING_N * (double) TIMING_N * products / seconds / 1e9;
        }
    }

    /** Deterministic values in [-1, 1]. */
    private static float[] pattern(int n) {
        float[] v = new float[n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(0.37 * i + 0.11 * (i / n));
        }
        return v;
    }

    private static double[] gram(float[] x, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += (double) x[i * n + k] * x[j * n + k];
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }

    private static String cudaVersion() {
        int v = CudaUtils.getCudaVersion(); // 12080 for 12.8
        return v / 1000 + "." + (v / 10) % 100;
    }

    private static String dotted(String capability) {
        return capability != null && capability.length() >= 2
                ? capability.substring(0, capability.length() - 1) + "." + capability.charAt(capability.length() - 1)
                : capability;
    }

    private static String cpuModel() {
        String fallback = System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + " (" + fallback + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return fallback;
    }

    public static long physicalMemoryBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            s.append(": ").append(t.getMessage());
        }
        return s.toString();
    }
}

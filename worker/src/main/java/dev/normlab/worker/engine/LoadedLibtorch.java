package dev.normlab.worker.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which libtorch DJL loaded, and how to get the CUDA one when it is the wrong one.
 *
 * <p>DJL 0.35.1 picks it in {@code ai.djl.pytorch.jni.LibUtils.getLibTorch}: {@code PYTORCH_LIBRARY_PATH} first
 * ({@code findOverrideLibrary}; version and flavor then come from {@code PYTORCH_VERSION}/{@code PYTORCH_FLAVOR}),
 * else {@code findNativeLibrary}: a {@code native/lib/pytorch.properties} on the classpath that
 * {@code ai.djl.util.Platform.matches} the system wins, and a {@code cpu} flavor matches every system, CUDA or not
 * ("CPU package can run on all system platform"). Only without one (the GPU jar) does {@code downloadPyTorch}
 * resolve the CUDA build, reading {@code PYTORCH_FLAVOR} or the CUDA runtime's version.
 *
 * @param version libtorch version ({@code 2.7.1})
 * @param flavor build flavor ({@code cpu}, {@code cpu-precxx11}, {@code cu128}, ...)
 * @param path folder it was loaded from
 * @param cudaBuild a CUDA build: libtorch reports CUDA ({@code torch::cuda::is_available()}) or its folder holds
 *     {@code libtorch_cuda.so}
 */
public record LoadedLibtorch(String version, String flavor, String path, boolean cudaBuild) {

    /** The libtorch build DJL 0.35.1's JNI (pytorch-jni 2.7.1-0.35.1) is compiled against. */
    public static final String SUPPORTED_VERSION = "2.7.1";
    /** The CUDA flavor DJL publishes for libtorch 2.7.1 on linux-x86_64 (and pytorch-jni ships a JNI for). */
    public static final String CUDA_FLAVOR = "cu128";

    /** DJL's cache folder name: {@code <version>-<flavor>-<os>-<arch>}, e.g. {@code 2.7.1-20250812-cpu-linux-x86_64}. */
    private static final Pattern CACHE_DIR = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d+)?-(.+)-(?:linux|osx|win)-[^-]+");

    /** Reads it from DJL after the engine loaded. */
    public static LoadedLibtorch of(Engine engine) {
        String path = LibUtils.getLibtorchPath();
        return new LoadedLibtorch(engine.getVersion(), flavor(path), path,
                engine.hasCapability(StandardCapabilities.CUDA) || hasCudaLibraries(Path.of(path)));
    }

    /**
     * Whether the folder holds libtorch's CUDA half: the evidence that does not depend on the environment (with
     * {@code PYTORCH_LIBRARY_PATH}, DJL reports whatever {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR} say).
     */
    static boolean hasCudaLibraries(Path dir) {
        return Files.exists(dir.resolve(System.mapLibraryName("torch_cuda")))
                || Files.exists(dir.resolve(System.mapLibraryName("c10_cuda")));
    }

    /**
     * The flavor DJL resolved. {@code LibUtils} keeps it in a private field ({@code libTorch.flavor}) and exposes
     * only the version and the path, so it is read from there, else from the cache folder's name, else from
     * {@code PYTORCH_FLAVOR}.
     */
    static String flavor(String path) {
        try {
            Field field = LibUtils.class.getDeclaredField("libTorch");
            field.setAccessible(true);
            Object libTorch = field.get(null);
            Field flavor = libTorch.getClass().getDeclaredField("flavor");
            flavor.setAccessible(true);
            Object value = flavor.get(libTorch);
            if (value instanceof String s && !s.isEmpty()) {
                return s;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another DJL version: fall back to the folder name
        }
        Matcher m = CACHE_DIR.matcher(Path.of(path).getFileName().toString());
        if (m.matches()) {
            return m.group(1);
        }
        String env = System.getenv("PYTORCH_FLAVOR");
        return env != null && !env.isEmpty() ? env : "unknown";
    }

    /** {@code PyTorch 2.7.1 (cpu) from <path>}. */
    public String describe() {
        return "libtorch " + version + " (" + flavor + ") from " + path;
    }

    /**
     * Why the engine sees no GPU with this libtorch and what to do, for {@code --device gpu} / {@code device: gpu}.
     */
    public String noGpuAdvice() {
        if (!cudaBuild) {
            return "the loaded " + describe() + " is a CPU build (no " + System.mapLibraryName("torch_cuda")
                    + " beside it), which never uses a GPU. On a GPU node run "
                    + "worker/target/normlab-worker-gpu.jar (no CPU libtorch inside: DJL downloads the CUDA build, "
                    + "PYTORCH_FLAVOR=" + CUDA_FLAVOR + ", into ~/.djl.ai on first start), or point PYTORCH_LIBRARY_PATH "
                    + "at a CUDA libtorch " + SUPPORTED_VERSION + " with PYTORCH_VERSION=" + SUPPORTED_VERSION
                    + " PYTORCH_FLAVOR=" + CUDA_FLAVOR + " (docs/gpu.md)";
        }
        return "the loaded " + describe() + " is a CUDA build but finds no GPU: check nvidia-smi, the container's GPU "
                + "access (NVIDIA container toolkit, --gpus), CUDA_VISIBLE_DEVICES, and that the CUDA runtime "
                + "libcudart.so.12 is on the library path (DJL counts GPUs through it) (docs/gpu.md)";
    }
}

package dev.normlab.worker.engine;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;

/**
 * The GPU's name from the CUDA runtime ({@code cudaGetDeviceProperties}): DJL 0.35.1's {@code CudaUtils} has
 * memory, CUDA version and compute capability but no name. Same library and device numbering as DJL's.
 */
final class CudaDeviceName {

    /** {@code cudaDeviceProp} is about 1 KB in CUDA 12; its first field is {@code char name[256]}. */
    private static final int PROPS_BYTES = 8_192;

    private CudaDeviceName() {
    }

    /** @return the name, or null when the runtime cannot be asked */
    static String of(int device) {
        try {
            NativeLibrary cudart = NativeLibrary.getInstance("cudart");
            Function get;
            try {
                get = cudart.getFunction("cudaGetDeviceProperties_v2"); // CUDA 12's symbol
            } catch (UnsatisfiedLinkError e) {
                get = cudart.getFunction("cudaGetDeviceProperties");
            }
            try (Memory props = new Memory(PROPS_BYTES)) {
                props.clear();
                int status = get.invokeInt(new Object[] {props, device});
                String name = status == 0 ? props.getString(0).trim() : null;
                return name == null || name.isEmpty() ? null : name;
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}

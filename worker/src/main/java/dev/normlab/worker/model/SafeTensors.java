package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * the one HuggingFace checkpoints use:
 *
 * <pre>
 * [8 bytes: header length N, unsigned little-endian]
 * [N bytes: UTF-8 JSON {"__metadata__": {str: str}?, name: {"dtype": "F32", "shape": [..],
 *           "data_offsets": [begin, end]}, ...}, padded with spaces so 8 + N is a multiple of 8]
 * [tensor bytes, little-endian, row-major; offsets relative to the end of the header]
 * </pre>
 *
 * <p>Dtypes: F32, F64, BF16, F16, I64, I32. Tensors keep their order (written in map order; read
 * back in header order). One tensor must fit in a Java buffer (&lt; 2 GiB). Writes go to a temporary
 * sibling moved into place, so a crash never leaves a half-written file under the final name.
 *
 * <p>BF16/F16 data is decoded to float in Java and narrowed on the target device, because half
 * precision arrays crash DJL 0.35.1 on CPU: on a CPU manager read such files with a FLOAT32/FLOAT64
 * target ({@link #read(Path, NDManager, DataType)}); keeping them half precision there is refused
 * with an error instead of a JVM crash.
 */
public final class SafeTensors {

    /** The optional string-to-string map under {@code __metadata__}. */
    public static final String METADATA_KEY = "__metadata__";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One header entry: where a tensor's bytes are, relative to the data section. */
    public record TensorInfo(String name, String dtype, Shape shape, long begin, long end) {
    }

    /** The parsed header: tensors in file order, metadata (empty if absent) and where the data begins. */
    public record Header(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {
    }

    private SafeTensors() {
    }

    public static void write(Map<String, NDArray> tensors, Path file) throws IOException {
        write(tensors, Map.of(), file);
    }

    /** Writes {@code tensors} in map order, in their own dtypes, with optional metadata. */
    public static void write(Map<String, NDArray> tensors, Map<String, String> metadata, Path file) throws IOException {
        requireLittleEndianHost();
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            if (METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException("tensor name is reserved: " + METADATA_KEY);
            }
            NDArray array = e.getValue();
            long bytes = array.getShape().size() * array.getDataType().getNumOfBytes();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtypeName(array.getDataType(), e.getKey()));
            ArrayNode shape = entry.putArray("shape");
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, head);
                for (NDArray array : tensors.values()) {
                    writeFully(out, array.toByteBuffer()); // native (= little-endian) row-major bytes
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads every tensor in its stored dtype into {@code manager}, in header order. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        return read(file, manager, null);
    }

    /**
     * Reads every tensor into {@code manager}, converted to {@code target} (null keeps the stored
     * dtype). BF16/F16 data is decoded in Java when the target is FLOAT32 or FLOAT64, so half
     * precision files load on CPU.
     */
    public static Map<String, NDArray> read(Path file, NDManager manager, DataType target) throws IOException {
        requireLittleEndianHost();
        Header header = readHeader(file);
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (TensorInfo t : header.tensors()) {
                ByteBuffer raw = ByteBuffer.allocateDirect(Math.toIntExact(t.end() - t.begin())).order(ByteOrder.LITTLE_ENDIAN);
                readFully(in, raw, header.dataStart() + t.begin(), t.name());
                raw.flip();
                out.put(t.name(), toArray(manager, t, raw, target));
            }
        }
        return out;
    }

    /** Parses and validates the header only (no tensor data is read). */
    public static Header readHeader(Path file) throws IOException {
        long fileSize = Files.size(file);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, len, 0, "header length");
            long n = len.flip().getLong();
            if (n <= 0 || 8 + n > fileSize || n > Integer.MAX_VALUE) {
                throw new IOException(file + ": invalid safetensors header length " + n);
            }
            ByteBuffer json = ByteBuffer.allocate((int) n);
            readFully(in, json, 8, "header");
            JsonNode root = JSON.readTree(new String(json.array(), StandardCharsets.UTF_8));
            List<TensorInfo> tensors = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            long dataSize = fileSize - 8 - n;
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (METADATA_KEY.equals(e.getKey())) {
                    e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                    continue;
                }
                tensors.add(info(file, e.getKey(), e.getValue(), dataSize));
            }
            return new Header(List.copyOf(tensors), Map.copyOf(metadata), 8 + n);
        }
    }

    private static TensorInfo info(Path file, String name, JsonNode node, long dataSize) throws IOException {
        String dtype = node.path("dtype").asString();
        DataType type = dataType(dtype, name);
        JsonNode shapeNode = node.path("shape");
        long[] dims = new long[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shapeNode.get(i).asLong();
        }
        Shape shape = new Shape(dims);
        JsonNode offsets = node.path("data_offsets");
        long begin = offsets.path(0).asLong(-1);
        long end = offsets.path(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize
                || end - begin != shape.size() * type.getNumOfBytes()) {
            throw new IOException(file + ": tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] inconsistent with dtype " + dtype + ", shape " + shape + " and " + dataSize + " data bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static NDArray toArray(NDManager manager, TensorInfo t, ByteBuffer raw, DataType target) {
        DataType stored = dataType(t.dtype(), t.name());
        boolean half = stored == DataType.BFLOAT16 || stored == DataType.FLOAT16;
        if (!half) {
            return convert(manager.create(raw, t.shape(), stored), target);
        }
        DataType wanted = target == null ? stored : target;
        boolean halfWanted = wanted == DataType.BFLOAT16 || wanted == DataType.FLOAT16;
        if (halfWanted && !manager.getDevice().isGpu()) {
            // DJL 0.35.1 crashes the JVM on CPU half-precision arrays: fail loudly instead
            throw new IllegalArgumentException("tensor " + t.name() + ": " + t.dtype() + " cannot be held on "
                    + manager.getDevice() + "; read it with a FLOAT32 or FLOAT64 target");
        }
        // decode in Java, then narrow on the device if half precision is wanted (GPU only)
        ByteBuffer floats = ByteBuffer.allocateDirect(raw.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (raw.hasRemaining()) {
            short bits = raw.getShort();
            floats.putFloat(stored == DataType.BFLOAT16 ? bf16ToFloat(bits) : f16ToFloat(bits));
        }
        floats.flip();
        return convert(manager.create(floats, t.shape(), DataType.FLOAT32), wanted);
    }

    private static NDArray convert(NDArray array, DataType target) {
        if (target == null || array.getDataType() == target) {
            return array;
        }
        NDArray cast = array.toType(target, false);
        array.close();
        return cast;
    }

    /** bfloat16 is the top half of an IEEE float32. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** IEEE 754 binary16 → float (Java 17 has no Float.float16ToFloat). */
    static float f16ToFloat(short bits) {
        int sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0) {
            return sign * mantissa * 0x1p-24f; // subnormal: m · 2^-24
        }
        if (exponent == 0x1F) {
            return mantissa == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return sign * (1 + mantissa / 1024f) * (float) Math.pow(2, exponent - 15);
    }

    static String dtypeName(DataType type, String name) {
        return switch (type) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case BFLOAT16 -> "BF16";
            case FLOAT16 -> "F16";
            case INT64 -> "I64";
            case INT32 -> "I32";
            default -> throw new IllegalArgumentException("tensor " + name + ": unsupported dtype " + type);
        };
    }

    static DataType dataType(String dtype, String name) {
        return switch (dtype) {
            case "F32" -> DataType.FLOAT32;
            case "F64" -> DataType.FLOAT64;
            case "BF16" -> DataType.BFLOAT16;
            case "F16" -> DataType.FLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            default -> throw new IllegalArgumentException("tensor " + name + ": unsupported safetensors dtype '" + dtype + "'");
        };
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position, String what) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, pos);
            if (n < 0) {
                throw new IOException("truncated safetensors file while reading " + what);
            }
            pos += n;
        }
    }

    private static void requireLittleEndianHost() {
        // DJL hands out native-order bytes; safetensors is little-endian
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors I/O needs a little-endian host");
        }
    }
}

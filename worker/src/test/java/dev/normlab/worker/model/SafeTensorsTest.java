package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSpecifiedLayoutAndReadsEveryDtypeBackInOrder() throws IOException {
        Path file = dir.resolve("t.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("z.f32", manager.create(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.125f}, new Shape(2, 3)));
            tensors.put("a.f64", manager.create(new double[] {Math.PI, -1e-300}));
            tensors.put("m.i64", manager.create(new long[] {Long.MAX_VALUE, -3}, new Shape(1, 2)));
            tensors.put("s.i32", manager.create(new int[] {7}, new Shape()));
            SafeTensors.write(tensors, Map.of("step", "12"), file);

            // parse the file by hand, as another implementation would
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long n = buf.getLong();
            assertThat((8 + n) % 8).as("data section 8-byte aligned").isZero();
            String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            assertThat(json).endsWith(json.strip() + " ".repeat(json.length() - json.strip().length()));
            JsonNode header = JsonMapper.builder().build().readTree(json.strip());
            assertThat(header.get("__metadata__").get("step").asString()).isEqualTo("12");
            assertThat(header.get("z.f32").get("dtype").asString()).isEqualTo("F32");
            assertThat(header.get("z.f32").get("shape").toString()).isEqualTo("[2,3]");
            assertThat(header.get("z.f32").get("data_offsets").toString()).isEqualTo("[0,24]");
            assertThat(header.get("a.f64").get("data_offsets").toString()).isEqualTo("[24,40]");
            assertThat(header.get("m.i64").get("dtype").asString()).isEqualTo("I64");
            assertThat(header.get("s.i32").get("shape").toString()).isEqualTo("[]");
            assertThat(bytes.length).isEqualTo(8 + n + 24 + 16 + 16 + 4);
            assertThat(buf.getFloat((int) (8 + n) + 8)).isEqualTo(3.25f);
            assertThat(buf.getDouble((int) (8 + n) + 24)).isEqualTo(Math.PI);

            Map<String, NDArray> back = SafeTensors.read(file, manager);
            assertThat(List.copyOf(back.keySet())).containsExactly("z.f32", "a.f64", "m.i64", "s.i32");
            tensors.forEach((name, array) -> {
                assertThat(back.get(name).getDataType()).isEqualTo(array.getDataType());
                assertThat(back.get(name).contentEquals(array)).as(name).isTrue();
            });
            assertThat(SafeTensors.readHeader(file).metadata()).containsEntry("step", "12");
            assertThat(SafeTensors.read(file, manager, DataType.FLOAT64).get("z.f32").toDoubleArray())
                    .containsExactly(1.5, -2, 3.25, 0, 7, -0.125);
        }
    }

    @Test
    void halfPrecisionFilesDecodeToFloat32OnCpu() throws IOException {
        // hand-encoded: bf16 1.0 = 0x3F80, -2.0 = 0xC000, 0.15625 = 0x3E20; f16 1.0 = 0x3C00,
        // -2.0 = 0xC000, 65504 = 0x7BFF (max), 2^-24 = 0x0001 (smallest subnormal)
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[6,14]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 14).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        for (int s : new int[] {0x3F80, 0xC000, 0x3E20, 0x3C00, 0xC000, 0x7BFF, 0x0001}) {
            file.putShort((short) s);
        }
        Path path = dir.resolve("half.safetensors");
        Files.write(path, file.array());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> read = SafeTensors.read(path, manager, DataType.FLOAT32);
            assertThat(read.get("b").getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(read.get("b").toFloatArray()).containsExactly(1f, -2f, 0.15625f);
            assertThat(read.get("h").getShape()).isEqualTo(new Shape(2, 2));
            assertThat(read.get("h").toFloatArray()).containsExactly(1f, -2f, 65504f, (float) Math.pow(2, -24));
            // kept half precision on CPU, DJL would crash the JVM: refused naming the tensor
            assertThatThrownBy(() -> SafeTensors.read(path, manager)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor b").hasMessageContaining("FLOAT32");
        }
    }

    @Test
    void inconsistentHeadersAreRejectedNamingTheTensor() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        Path path = dir.resolve("bad.safetensors");
        Files.write(path, file.array());
        assertThatThrownBy(() -> SafeTensors.readHeader(path)).isInstanceOf(IOException.class)
                .hasMessageContaining("tensor w").hasMessageContaining("[0, 8]");
        Files.write(path, new byte[] {1, 0, 0, 0, 0, 0, 0, 0x40});
        assertThatThrownBy(() -> SafeTensors.readHeader(path)).hasMessageContaining("header length");
    }
}

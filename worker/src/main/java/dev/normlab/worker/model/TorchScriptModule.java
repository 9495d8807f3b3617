package dev.normlab.worker.model;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A parameter-free TorchScript module with one {@code forward}, written in memory from its TorchScript source and
 * loaded into libtorch. It reaches libtorch ops that DJL 0.35.1's NDArray API does not expose, with autograd: DJL runs
 * the method in training mode, so the thread's grad mode decides whether a graph is recorded.
 *
 * <p>The archive is the one {@code torch.jit.save} writes for such a module (format version 3): {@code version},
 * {@code data.pkl} (the module object, a pickle of {@code {"training": True}}), {@code constants.pkl} (an empty
 * tuple) and {@code code/__torch__.py}, every entry stored uncompressed.
 */
final class TorchScriptModule {

    private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");

    private final PtSymbolBlock block;

    private TorchScriptModule(PtSymbolBlock block) {
        this.block = block;
    }

    /**
     * Loads {@code class <className>(Module)} whose {@code forward} has the given parameters (each a Tensor) and
     * returns {@code body} (a TorchScript expression of them) on {@code manager}'s device; the module is closed with
     * {@code manager}.
     */
    static TorchScriptModule load(PtNDManager manager, String className, String body, String... parameters) {
        try {
            byte[] archive = archive(className, source(className, body, parameters));
            return new TorchScriptModule(JniUtils.loadModule(manager, new ByteArrayInputStream(archive), true, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code forward(inputs)}; the result is attached to the first input's manager. */
    NDList forward(NDList inputs) {
        // the plain interpreter: op by op with eager autograd. The optimizing executor (libtorch's default, a
        // thread-local switch) profiles and rewrites the graph with its own autodiff: a SiLU gate then costs 1.4x
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(block, inputs, true);
    }

    static String source(String className, String body, String... parameters) {
        if (!CLASS_NAME.matcher(className).matches()) {
            throw new IllegalArgumentException("not a TorchScript class name: " + className);
        }
        StringBuilder code = new StringBuilder()
                .append("class ").append(className).append("(Module):\n")
                .append("  __parameters__ = []\n")
                .append("  __buffers__ = []\n")
                .append("  training : bool\n")
                .append("  def forward(self: __torch__.").append(className);
        for (String p : parameters) {
            code.append(",\n    ").append(p).append(": Tensor");
        }
        return code.append(") -> Tensor:\n    return ").append(body).append('\n').toString();
    }

    static byte[] archive(String className, String source) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = className.toLowerCase() + "/";
            stored(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, root + "data.pkl", modulePickle(className));
            stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2 of {@code __torch__.<className>} with the state {@code {"training": True}}. */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x88); // NEWTRUE
        p.write('s'); // SETITEM
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}

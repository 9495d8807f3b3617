package dev.normlab.optim;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
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
 * loaded into libtorch. It reaches libtorch ops that DJL 0.35.1's NDArray API does not expose: fused kernels of the
 * model ({@link #forward(NDList)}, with autograd: DJL runs the method in training mode, so the thread's grad mode
 * decides whether a graph is recorded) and of the optimizers ({@link #run}, no autograd).
 *
 * <p>The archive is the one {@code torch.jit.save} writes for such a module (format version 3): {@code version},
 * {@code data.pkl} (the module object, a pickle of {@code {"training": True}}), {@code constants.pkl} (an empty
 * tuple) and {@code code/__torch__.py}, every entry stored uncompressed.
 */
public final class TorchScriptModule {

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
    public static TorchScriptModule tensorFunction(PtNDManager manager, String className, String body, String... parameters) {
        StringBuilder signature = new StringBuilder();
        for (String p : parameters) {
            signature.append(",\n    ").append(p).append(": Tensor");
        }
        return load(manager, className, signature + ") -> Tensor:\n    return " + body + "\n");
    }

    /**
     * Loads {@code class <className>(Module)} whose {@code forward(self} is followed by {@code rest}: the remaining
     * parameters, the return type and the indented body, as {@code torch.jit.save} writes them.
     */
    public static TorchScriptModule load(PtNDManager manager, String className, String rest) {
        try {
            byte[] archive = archive(className, source(className, rest));
            return new TorchScriptModule(JniUtils.loadModule(manager, new ByteArrayInputStream(archive), true, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code forward(inputs)} under the thread's grad mode; the result is attached to the first input's manager. */
    public NDList forward(NDList inputs) {
        // the plain interpreter: op by op with eager autograd. The optimizing executor (libtorch's default, a
        // thread-local switch) profiles and rewrites the graph with its own autodiff, measured slower
        // (docs/benchmarks.md, "Trainer speed (issue 14)")
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(block, inputs, true);
    }

    /** {@code forward(inputs)} without autograd (libtorch's inference mode), for in-place updates; closes its result. */
    public void run(IValue... inputs) {
        JniUtils.setGraphExecutorOptimize(false);
        IValueUtils.runMethod(block, "forward", inputs).close();
    }

    static String source(String className, String rest) {
        if (!CLASS_NAME.matcher(className).matches()) {
            throw new IllegalArgumentException("not a TorchScript class name: " + className);
        }
        return "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__." + className + rest;
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

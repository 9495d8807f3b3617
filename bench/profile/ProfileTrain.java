import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/**
 * Runs the worker's CLI in-process under PyTorch's autograd profiler (through DJL's JniUtils) and writes a
 * Chrome trace of every native op, to count the ops a training step issues and where native time goes.
 *
 * <pre>java -Dai.djl.offline=true -cp worker/target/normlab-worker.jar bench/profile/ProfileTrain.java \
 *     /tmp/trace.json train --spec spec.json --out /tmp/x --threads 2
 * /usr/bin/python3 bench/profile/op_profile.py java-trace /tmp/trace.json --steps N</pre>
 */
public final class ProfileTrain {

    public static void main(String[] args) {
        Engine.getEngine("PyTorch"); // load the native library before the profiler is switched on
        JniUtils.startProfile(false, false, false);
        int code = dev.normlab.worker.cli.Main.execute(Arrays.copyOfRange(args, 1, args.length));
        JniUtils.stopProfile(args[0]);
        System.exit(code);
    }
}

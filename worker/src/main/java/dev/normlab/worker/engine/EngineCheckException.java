package dev.normlab.worker.engine;

/** The engine cannot train on the device asked for; the message says which libtorch was loaded and what to do. */
public final class EngineCheckException extends RuntimeException {

    public EngineCheckException(String message) {
        super(message);
    }

    public EngineCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}

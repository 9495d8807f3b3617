package dev.normlab.worker.agent;

/** 409 on a worker call: this attempt no longer holds the run (requeued, re-claimed or finished). */
public class LeaseLostException extends BackendException {

    public LeaseLostException(String message) {
        super(409, message);
    }
}

package dev.normlab.optim;

/** Exact bytes of an optimizer's persistent state arrays (what survives from step to step). */
public interface StateSize {

    /** Bytes of every persistent state array this optimizer holds. */
    long stateBytes();

    /** Bytes of the persistent state held for one parameter (0 if none). */
    long stateBytes(String parameterId);
}

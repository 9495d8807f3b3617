package dev.normlab.worker.data;

/**
 * Chooses held-out documents by a hash of their text: the same documents on every machine and every
 * run, independent of file order, and duplicated documents land on the same side (no eval leakage).
 */
record HeldOutSplit(double fraction) {

    HeldOutSplit {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("data.heldOutFraction: must be in [0, 1), got " + fraction);
        }
    }

    boolean isHeldOut(String document) {
        return unitInterval(hash(document)) < fraction;
    }

    /** 64-bit FNV-1a over the UTF-16 code units, then SplitMix64's finalizer to spread the bits. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static double unitInterval(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}

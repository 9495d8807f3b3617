package dev.normlab.worker.data;

/**
 * A token stream cut into blocks of {@code seqLen} inputs. Block {@code i} reads tokens
 * {@code [i*seqLen, (i+1)*seqLen]}: its first {@code seqLen} are the inputs and its last {@code seqLen}
 * the labels, so a block borrows one token from the next one and the last partial block is dropped.
 */
final class PackedBlocks {

    private final TokenFile.Stream tokens;
    private final int seqLen;
    private final long count;

    PackedBlocks(TokenFile.Stream tokens, int seqLen) {
        this.tokens = tokens;
        this.seqLen = seqLen;
        this.count = tokens.size() <= 1 ? 0 : (tokens.size() - 1) / seqLen;
    }

    long count() {
        return count;
    }

    int seqLen() {
        return seqLen;
    }

    /** Writes block {@code index}'s {@code seqLen + 1} tokens to {@code target[offset...]}. */
    void read(long index, long[] target, int offset) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("block " + index + " of " + count);
        }
        tokens.read(index * seqLen, target, offset, seqLen + 1);
    }
}

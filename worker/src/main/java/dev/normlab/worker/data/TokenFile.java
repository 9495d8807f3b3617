package dev.normlab.worker.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tokenized corpus on disk, read through memory-mapped buffers so a large corpus stays out of the
 * heap. Layout (little-endian): a {@value #HEADER_BYTES}-byte header, then the training token stream,
 * then the held-out token stream; each stream is its documents' tokens, each followed by end-of-text.
 * Tokens take 2 bytes (unsigned) when the vocabulary fits, else 4.
 */
final class TokenFile {

    static final long MAGIC = 0x314B4F54424C4E4EL; // "NNLBTOK1" little-endian
    /** Bump when the layout or the way documents are split and joined changes: old caches are then rebuilt. */
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 64;
    /** Mapped in slices: one MappedByteBuffer cannot exceed 2 GiB. A multiple of 4, so no token straddles two. */
    private static final long SLICE_BYTES = 1L << 30;

    /** Token counts and document counts of the two streams. */
    record Header(int bytesPerToken, long trainTokens, long heldOutTokens, long trainDocuments, long heldOutDocuments) {

        void write(ByteBuffer out) {
            out.order(ByteOrder.LITTLE_ENDIAN).putLong(MAGIC).putInt(FORMAT_VERSION).putInt(bytesPerToken)
                    .putLong(trainTokens).putLong(heldOutTokens).putLong(trainDocuments).putLong(heldOutDocuments);
        }

        static Header read(ByteBuffer in) {
            in.order(ByteOrder.LITTLE_ENDIAN);
            if (in.remaining() < HEADER_BYTES || in.getLong() != MAGIC || in.getInt() != FORMAT_VERSION) {
                return null;
            }
            return new Header(in.getInt(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
        }

        long fileBytes() {
            return HEADER_BYTES + (trainTokens + heldOutTokens) * bytesPerToken;
        }
    }

    /** A stretch of tokens in the file. */
    final class Stream {
        private final long first;
        private final long size;

        private Stream(long first, long size) {
            this.first = first;
            this.size = size;
        }

        long size() {
            return size;
        }

        /** Copies tokens {@code [start, start + count)} into {@code target[offset...]}. */
        void read(long start, long[] target, int offset, int count) {
            if (start < 0 || start + count > size) {
                throw new IndexOutOfBoundsException("tokens [" + start + ", " + (start + count) + ") of " + size);
            }
            for (int i = 0; i < count; i++) {
                target[offset + i] = token(first + start + i);
            }
        }
    }

    private final Path path;
    private final Header header;
    private final MappedByteBuffer[] slices;

    private TokenFile(Path path, Header header, MappedByteBuffer[] slices) {
        this.path = path;
        this.header = header;
        this.slices = slices;
    }

    /** The file's contents, or null when it is missing a valid header or is truncated (then it is rebuilt). */
    static TokenFile openIfValid(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // read the whole header
            }
            head.flip();
            Header header = Header.read(head);
            if (header == null || (header.bytesPerToken() != 2 && header.bytesPerToken() != 4)
                    || channel.size() != header.fileBytes()) {
                return null;
            }
            long bytes = channel.size() - HEADER_BYTES;
            int count = (int) ((bytes + SLICE_BYTES - 1) / SLICE_BYTES);
            MappedByteBuffer[] slices = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long start = i * SLICE_BYTES;
                slices[i] = channel.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES + start, Math.min(SLICE_BYTES, bytes - start));
                slices[i].order(ByteOrder.LITTLE_ENDIAN);
            }
            return new TokenFile(path, header, slices);
        }
    }

    Path path() {
        return path;
    }

    Header header() {
        return header;
    }

    Stream train() {
        return new Stream(0, header.trainTokens());
    }

    Stream heldOut() {
        return new Stream(header.trainTokens(), header.heldOutTokens());
    }

    private long token(long index) {
        long byteOffset = index * header.bytesPerToken();
        MappedByteBuffer slice = slices[(int) (byteOffset / SLICE_BYTES)];
        int at = (int) (byteOffset % SLICE_BYTES);
        return header.bytesPerToken() == 2 ? Short.toUnsignedInt(slice.getShort(at)) : slice.getInt(at);
    }
}

package dev.normlab.worker.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a {@link TokenFile} atomically: everything goes to temporary files in the target folder, and
 * only a complete file is renamed into place, so a crash or a concurrent writer never leaves a half
 * file under the final name. Held-out tokens go to a side file first and are appended at the end.
 */
final class TokenFileWriter implements AutoCloseable {

    private final Path target;
    private final int bytesPerToken;
    private final Path trainTemp;
    private final Path heldOutTemp;
    private final TokenOutput train;
    private final TokenOutput heldOut;
    private boolean committed;

    TokenFileWriter(Path target, int bytesPerToken) throws IOException {
        this.target = target;
        this.bytesPerToken = bytesPerToken;
        Files.createDirectories(target.getParent());
        trainTemp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        heldOutTemp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".heldout.tmp");
        train = new TokenOutput(Files.newOutputStream(trainTemp), bytesPerToken);
        heldOut = new TokenOutput(Files.newOutputStream(heldOutTemp), bytesPerToken);
        train.out.write(new byte[TokenFile.HEADER_BYTES]); // filled in by commit()
    }

    /** Appends the document's tokens and then the separator to the chosen stream. */
    void addDocument(boolean isHeldOut, int[] tokens, int endOfText) throws IOException {
        TokenOutput stream = isHeldOut ? heldOut : train;
        for (int token : tokens) {
            stream.write(token);
        }
        stream.write(endOfText);
        stream.documents++;
    }

    long tokensWritten() {
        return train.tokens + heldOut.tokens;
    }

    /** Completes the file and moves it to the target name. */
    TokenFile.Header commit() throws IOException {
        heldOut.out.close();
        Files.copy(heldOutTemp, train.out);
        train.out.close();
        TokenFile.Header header = new TokenFile.Header(bytesPerToken, train.tokens, heldOut.tokens, train.documents, heldOut.documents);
        try (FileChannel channel = FileChannel.open(trainTemp, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(TokenFile.HEADER_BYTES);
            header.write(head);
            head.rewind();
            channel.write(head, 0);
            channel.force(true);
        }
        try {
            Files.move(trainTemp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(trainTemp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        Files.deleteIfExists(heldOutTemp);
        return header;
    }

    /** Removes the temporary files unless the file was committed. */
    @Override
    public void close() throws IOException {
        train.out.close();
        heldOut.out.close();
        Files.deleteIfExists(heldOutTemp);
        if (!committed) {
            Files.deleteIfExists(trainTemp);
        }
    }

    private static final class TokenOutput {
        private final OutputStream out;
        private final int bytesPerToken;
        private long tokens;
        private long documents;

        TokenOutput(OutputStream raw, int bytesPerToken) {
            this.out = new BufferedOutputStream(raw, 1 << 20);
            this.bytesPerToken = bytesPerToken;
        }

        void write(int token) throws IOException {
            if (bytesPerToken == 2 && (token >>> 16) != 0) {
                throw new IllegalStateException("token id " + token + " does not fit the file's 2-byte tokens");
            }
            out.write(token);
            out.write(token >>> 8);
            if (bytesPerToken == 4) {
                out.write(token >>> 16);
                out.write(token >>> 24);
            }
            tokens++;
        }
    }
}

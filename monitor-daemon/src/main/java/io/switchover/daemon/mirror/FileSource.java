package io.switchover.daemon.mirror;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.notifier.session.ChunkSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A file's content as a stream's chunks, read on the I/O pool one chunk at a time (the stream asks
 * for the next only when the backup granted credit), so memory stays at one chunk whatever the
 * file's size. The file must still be what was listed when the last byte is read (same size and
 * modification time); otherwise it was written meanwhile and the stream fails, so a half-written
 * file is never shipped as final: the write's own change event ships it again when it is done.
 */
final class FileSource implements ChunkSource {
    private final Path root;
    private final FileEntry entry;
    private final Executor io;
    private FileChannel channel;
    private long sent;

    FileSource(Path root, FileEntry entry, Executor io) {
        this.root = root;
        this.entry = entry;
        this.io = io;
    }

    @Override
    public CompletionStage<ByteBuf> next(ByteBufAllocator alloc, int maxBytes) {
        return CompletableFuture.supplyAsync(() -> read(alloc, maxBytes), io);
    }

    private ByteBuf read(ByteBufAllocator alloc, int maxBytes) {
        try {
            if (channel == null) {
                channel = FileChannel.open(resolve(root, entry.path()), StandardOpenOption.READ);
            }
            long left = entry.size() - sent;
            if (left <= 0) {
                checkUnchanged();
                return null;
            }
            int want = (int) Math.min(maxBytes, left);
            ByteBuf buf = alloc.ioBuffer(want);
            try {
                int got = 0;
                while (got < want) {
                    int n = buf.writeBytes(channel, sent + got, want - got);
                    if (n < 0) {
                        throw new IllegalStateException(
                                "'"
                                        + entry.path()
                                        + "' became shorter while it was sent ("
                                        + (sent + got)
                                        + " of "
                                        + entry.size()
                                        + " bytes); it is sent again when its writer is done");
                    }
                    got += n;
                }
                sent += got;
                return buf;
            } catch (RuntimeException | IOException e) {
                buf.release();
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading '" + entry.path() + "': " + e, e);
        }
    }

    private void checkUnchanged() {
        Optional<FileEntry> now;
        try {
            now = LocalTree.stat(root, entry.path());
        } catch (MirrorException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        if (now.isEmpty()
                || now.get().size() != entry.size()
                || now.get().mtimeNanos() != entry.mtimeNanos()) {
            throw new IllegalStateException(
                    "'"
                            + entry.path()
                            + "' changed while it was sent; it is sent again when its writer is"
                            + " done");
        }
    }

    /** {@code path} under {@code root}, segment by segment (paths are validated already). */
    static Path resolve(Path root, MirrorPath path) {
        Path p = root;
        for (String segment : path.segments()) {
            p = p.resolve(segment);
        }
        return p;
    }

    @Override
    public void close() {
        io.execute(
                () -> {
                    try {
                        if (channel != null) {
                            channel.close();
                        }
                    } catch (IOException ignored) {
                        // Read-only: nothing is lost by a failed close.
                    }
                });
    }
}

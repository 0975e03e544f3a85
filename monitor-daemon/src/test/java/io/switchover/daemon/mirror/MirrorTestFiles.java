package io.switchover.daemon.mirror;

import io.switchover.core.mirror.MirrorException;
import io.switchover.core.mirror.MirrorPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/** Small helpers for tests that build real trees on disk. */
final class MirrorTestFiles {
    private MirrorTestFiles() {}

    static MirrorPath path(String path) {
        try {
            return MirrorPath.parse(path);
        } catch (MirrorException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Writes {@code content} to {@code relative} under {@code root}, creating parents. */
    static Path write(Path root, String relative, String content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path mkdirs(Path root, String relative) {
        try {
            return Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path symlink(Path root, String relative, String target) {
        try {
            Path link = root.resolve(relative);
            Files.createDirectories(link.getParent());
            return Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A special file: a Unix domain socket, made without any external tool. */
    static Path socket(Path root, String relative) {
        Path socket = root.resolve(relative);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Files.createDirectories(socket.getParent());
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return socket;
    }

    static FileTime nanos(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }
}

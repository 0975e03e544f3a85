package io.switchover.daemon.mirror;

import java.nio.file.Path;

/**
 * What directory mirroring tells the rest of the daemon: the event history, the decision log and
 * metrics. Called on the mirror thread; implementations must not block.
 */
public interface MirrorEvents {

    /** A mirroring session began: {@code role} is "source" (primary) or "replica" (backup). */
    void sessionStarted(String role, String peer);

    /** A mirroring session ended, with the reason. */
    void sessionEnded(String role, String peer, String reason);

    /**
     * Primary: every directory was compared and brought in line; the backup is in sync.
     *
     * @param transferred files sent
     * @param bytes content bytes sent
     * @param deleted paths deleted on the backup
     */
    void synced(String peer, long transferred, long bytes, long deleted, long millis);

    /** Backup: files this node wrote as primary were preserved before being replaced. */
    void keptAside(Path dir, String why);

    /** A step from the peer was refused because it would reach outside a mirrored directory. */
    void securityEvent(String directory, String peer, String detail);

    /** A step failed (it is retried); {@code directory} and {@code path} name it. */
    void failed(String directory, String path, String reason);

    /**
     * Primary: a changed file or path reached the backup, {@code nanos} after it was ready to ship
     * (its burst of writes was over).
     */
    void propagated(long nanos);

    MirrorEvents NONE =
            new MirrorEvents() {
                @Override
                public void sessionStarted(String role, String peer) {}

                @Override
                public void sessionEnded(String role, String peer, String reason) {}

                @Override
                public void synced(
                        String peer, long transferred, long bytes, long deleted, long millis) {}

                @Override
                public void keptAside(Path dir, String why) {}

                @Override
                public void securityEvent(String directory, String peer, String detail) {}

                @Override
                public void failed(String directory, String path, String reason) {}

                @Override
                public void propagated(long nanos) {}
            };
}

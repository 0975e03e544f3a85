package io.switchover.daemon.mirror;

import io.switchover.core.mirror.DirectorySpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One mirrored directory's figures for status and metrics, on either node. Written on the mirror
 * thread, read by scrapes and status requests on others: fields are volatile, and each is
 * meaningful alone.
 */
final class DirectoryStats {
    final DirectorySpec spec;
    volatile long files;
    volatile long bytes;
    volatile int pending;
    volatile Instant lastSync;
    volatile long errors;
    volatile String lastError;
    volatile long transferred;
    volatile long transferredBytes;
    volatile long deleted;

    DirectoryStats(DirectorySpec spec) {
        this.spec = spec;
    }

    void failed(String why) {
        errors++;
        lastError = why;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        // Named by its path on this node; the peer's path only where it differs.
        m.put("directory", spec.source());
        if (!spec.target().equals(spec.source())) {
            m.put("peerPath", spec.target());
        }
        m.put("mode", spec.mode().name().toLowerCase(java.util.Locale.ROOT));
        m.put("recursive", spec.recursive());
        m.put("files", files);
        m.put("bytes", bytes);
        m.put("pending", pending);
        Instant last = lastSync;
        m.put("lastSync", last == null ? "never" : last.toString());
        m.put("errors", errors);
        if (lastError != null) {
            m.put("lastError", lastError);
        }
        m.put("transferred", transferred);
        m.put("transferredBytes", transferredBytes);
        m.put("deleted", deleted);
        return m;
    }
}

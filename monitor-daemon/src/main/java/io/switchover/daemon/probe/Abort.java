package io.switchover.daemon.probe;

import java.io.Closeable;
import java.io.IOException;

/**
 * Lets one thread end another thread's blocking attempt early, by closing what it blocks on. A
 * blocked {@link java.net.Socket#connect} is not interruptible on a platform thread, but closing
 * the socket ends it at once; that frees the probe thread of a cancelled ping.
 */
public final class Abort {
    private Closeable resource;
    private boolean aborted;

    /** Aborts: closes the registered resource, and any registered later. Idempotent. */
    public void abort() {
        Closeable toClose;
        synchronized (this) {
            aborted = true;
            toClose = resource;
            resource = null;
        }
        closeQuietly(toClose);
    }

    public synchronized boolean aborted() {
        return aborted;
    }

    /**
     * Registers what an {@link #abort()} must close. Returns false, having closed it, when the
     * abort already happened: the caller must not start blocking on it.
     */
    public boolean register(Closeable blocking) {
        synchronized (this) {
            if (!aborted) {
                resource = blocking;
                return true;
            }
        }
        closeQuietly(blocking);
        return false;
    }

    /** The attempt is over: nothing to close any more. */
    public synchronized void clear() {
        resource = null;
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing to abort: the attempt ends either way.
            }
        }
    }
}

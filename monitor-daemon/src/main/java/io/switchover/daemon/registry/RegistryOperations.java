package io.switchover.daemon.registry;

import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.RegistryChange;
import io.switchover.core.registry.RegistryException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * What the admin API (and through it the CLI and the client library) can do with the registry.
 * Thread-safe; every method may block its caller briefly (a write until it is durable). Paths are
 * strings as operators type them ({@code /Site/Lines/Line1}) and are validated here.
 */
public interface RegistryOperations {

    /** The key's values, or empty when the key does not exist. */
    Optional<SortedMap<String, String>> get(String key) throws RegistryException;

    /** The names of the key's children, in order; NOT_FOUND when the key does not exist. */
    List<String> list(String key) throws RegistryException;

    /**
     * Creates the key (and missing ancestors) and sets the values. Returns once the write is
     * durable here: the acknowledgement. NOT_PRIMARY on a node that is not the primary, naming the
     * primary; UNAVAILABLE while a switchover drains.
     */
    RegistryChange put(String key, Map<String, String> values) throws RegistryException;

    RegistryChange deleteValue(String key, String name) throws RegistryException;

    RegistryChange deleteKey(String key) throws RegistryException;

    /**
     * Every key at or under {@code subtree} with its values, in path order, handed to {@code out}
     * on the caller's thread. Read in pages of a few thousand keys, each a consistent view; writes
     * may land between pages (a key written during a long export shows its old or its new values),
     * so that a slow reader never holds up writes.
     */
    void export(String subtree, Consumer<KeyValues> out) throws RegistryException;

    /**
     * Writes every key of {@code keys} (PUTs, in batches, each batch durable before the next);
     * returns the number of keys written. Stops at the first invalid key, naming it and its
     * position; the keys before it stay written.
     */
    long importKeys(Iterator<KeyValues> keys) throws RegistryException;

    /**
     * Calls {@code onChange} for every change at or under {@code subtree} from now on, in order, on
     * a thread of the registry's (never the caller's), until the returned handle is closed. {@code
     * onChange} must not block for long: a watcher that falls more than a bounded number of changes
     * behind is closed, and {@code onClosed} says why.
     */
    Watch watch(String subtree, Consumer<RegistryChange> onChange, Consumer<String> onClosed)
            throws RegistryException;

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}

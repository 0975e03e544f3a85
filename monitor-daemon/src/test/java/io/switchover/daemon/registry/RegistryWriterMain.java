package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryStore;
import java.nio.file.Path;

/**
 * A daemon writing to its registry, as far as the store is concerned: run in a child JVM by {@link
 * MvRegistryStoreCrashTest}, which kills it. {@code RegistryWriterMain FILE DURABILITY} opens the
 * store, prints {@code opened}, then commits {@link #write commit} 1, 2, 3... for ever, printing
 * {@code ack N} (flushed) after commit N returned. When a commit fails it prints {@code failed
 * MESSAGE}, tries one more commit, prints {@code then MESSAGE} and exits with status {@link
 * #FAILED}.
 *
 * <p>Commit N is recognisable and checkable on its own: its entries, its index line and the two
 * "last" values it overwrites must all be there or all be missing (see {@link #check}).
 */
public final class RegistryWriterMain {
    static final int FAILED = 3;

    /** The entries key every commit overwrites with its number. */
    static final String LAST_ENTRY = "/last";

    /** The meta key every commit overwrites with its number. */
    static final String LAST_META = "last";

    private RegistryWriterMain() {}

    public static void main(String[] args) {
        RegistryStore store =
                MvRegistryStore.open(Path.of(args[0]), MvRegistryStore.Durability.valueOf(args[1]));
        System.out.println("opened");
        System.out.flush();
        for (long n = 1; ; n++) {
            write(store, n);
            try {
                store.commit();
            } catch (RegistryException e) {
                System.out.println("failed " + e.getMessage());
                try {
                    store.commit();
                    System.out.println("then committed");
                } catch (RegistryException again) {
                    System.out.println("then " + again.getMessage());
                }
                System.out.flush();
                System.exit(FAILED);
            }
            System.out.println("ack " + n);
            System.out.flush();
        }
    }

    /**
     * Commit {@code n}'s writes: {@link #entriesOf}{@code (n)} new entries of about 60 bytes (every
     * 50th commit 2,000 of them, so that some commits span many pages and take a while to write),
     * one index line saying how many, and the two "last" values.
     */
    static void write(RegistryStore store, long n) {
        int count = entriesOf(n);
        for (int i = 0; i < count; i++) {
            store.entries().put(entryKey(n, i), entryValue(n, i));
        }
        store.index().put(indexKey(n), Integer.toString(count));
        store.entries().put(LAST_ENTRY, Long.toString(n));
        store.meta().put(LAST_META, Long.toString(n));
    }

    static int entriesOf(long n) {
        return n % 50 == 0 ? 2_000 : 1 + (int) (n % 5);
    }

    static String entryKey(long n, int i) {
        return String.format("/commit/%08d/%04d", n, i);
    }

    static String entryValue(long n, int i) {
        return n + ":" + i + ":" + "v".repeat(40);
    }

    static String indexKey(long n) {
        return String.format("%08d", n);
    }

    /**
     * Checks that {@code store} holds commits 1 to L whole and nothing else, L being the last
     * commit it holds, and returns L. Throws {@link AssertionError} naming what is wrong.
     */
    static long check(RegistryStore store) {
        String lastMeta = store.meta().get(LAST_META);
        if (lastMeta == null) {
            expect(store.entries().size() == 0 && store.index().size() == 0, "empty store", store);
            return 0;
        }
        long last = Long.parseLong(lastMeta);
        expect(
                lastMeta.equals(store.entries().get(LAST_ENTRY)),
                "entries' last " + store.entries().get(LAST_ENTRY) + " = meta's " + last,
                store);
        long entries = 1;
        for (long n = 1; n <= last; n++) {
            int count = entriesOf(n);
            expect(
                    Integer.toString(count).equals(store.index().get(indexKey(n))),
                    "index line of commit " + n,
                    store);
            for (int i = 0; i < count; i++) {
                String value = store.entries().get(entryKey(n, i));
                expect(
                        entryValue(n, i).equals(value),
                        "entry " + i + " of commit " + n + " (found " + value + ")",
                        store);
            }
            entries += count;
        }
        // Nothing of commit last + 1 may be there: the counts match exactly.
        expect(store.index().size() == last, "index lines = " + last, store);
        expect(store.entries().size() == entries, "entries = " + entries, store);
        expect(store.meta().size() == 1, "one meta value", store);
        return last;
    }

    private static void expect(boolean holds, String what, RegistryStore store) {
        if (!holds) {
            throw new AssertionError(
                    "expected " + what + " in " + store + "; index size " + store.index().size());
        }
    }
}

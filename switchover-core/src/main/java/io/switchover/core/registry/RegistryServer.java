package io.switchover.core.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The primary's side of the compare-and-update: answers a {@link Resync}'s requests from the
 * registry's hash tree, index and entries. Stateless between requests, so any number of backups (or
 * retries) may ask; it never writes.
 *
 * <p>Replies stay within {@link Resync.Settings#maxReplyBytes()} and answer at most {@link
 * Resync.Settings#maxNodesPerRequest()} items: a reply answers a prefix of its request (never
 * nothing: one item larger than the budget still goes alone) and the asker asks again for the rest.
 * See {@link RegistryCodec} for the bytes.
 *
 * <p>Runs on the registry's thread, like everything over a {@link Registry}.
 */
public final class RegistryServer {
    public static final String DIGESTS = "registry.digests";
    public static final String LEAVES = "registry.leaves";
    public static final String FETCH = "registry.fetch";
    public static final String RANGE = "registry.range";

    /** The operations this server answers. */
    public static final List<String> OPERATIONS = List.of(DIGESTS, LEAVES, FETCH, RANGE);

    /** Kept out of the budget for a reply's counts and flags. */
    private static final int HEADER_BYTES = 16;

    private final Registry registry;
    private final Resync.Settings settings;

    public RegistryServer(Registry registry, Resync.Settings settings) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Answers one request.
     *
     * @return the reply's body
     * @throws RegistryException INVALID for an unknown operation or a malformed body, naming what
     *     is wrong; never an unchecked exception for bad bytes
     */
    public byte[] handle(String operation, byte[] body) throws RegistryException {
        if (operation == null) {
            throw new RegistryException(RegistryException.Kind.INVALID, "no operation named");
        }
        return switch (operation) {
            case DIGESTS -> RegistryCodec.encode(digests(RegistryCodec.decodeDigestsRequest(body)));
            case LEAVES -> RegistryCodec.encode(leaves(RegistryCodec.decodeLeavesRequest(body)));
            case FETCH -> RegistryCodec.encode(fetch(RegistryCodec.decodeFetchRequest(body)));
            case RANGE -> RegistryCodec.encode(range(RegistryCodec.decodeRangeRequest(body)));
            default ->
                    throw new RegistryException(
                            RegistryException.Kind.INVALID,
                            "unknown registry operation '"
                                    + KeyPath.printable(operation)
                                    + "'; known: "
                                    + String.join(", ", OPERATIONS));
        };
    }

    private RegistryCodec.DigestsReply digests(RegistryCodec.DigestsRequest request) {
        HashTree tree = registry.hashTree();
        int childLevel = request.level() + 1;
        List<RegistryCodec.NodeSummary> children = new ArrayList<>();
        Budget budget = new Budget();
        for (int node : request.nodes()) {
            List<RegistryCodec.NodeSummary> group = new ArrayList<>(HashTree.FANOUT);
            int size = 0;
            for (int c = 0; c < HashTree.FANOUT; c++) {
                int child = node * HashTree.FANOUT + c;
                long count = tree.count(childLevel, child);
                group.add(new RegistryCodec.NodeSummary(tree.digest(childLevel, child), count));
                size += Long.BYTES + RegistryCodec.varintSize(count);
            }
            if (!budget.take(size)) {
                break;
            }
            children.addAll(group);
        }
        return new RegistryCodec.DigestsReply(children);
    }

    private RegistryCodec.LeavesReply leaves(RegistryCodec.LeavesRequest request) {
        List<List<RegistryCodec.LeafEntry>> leaves = new ArrayList<>();
        Budget budget = new Budget();
        for (int leaf : request.leaves()) {
            List<RegistryCodec.LeafEntry> entries = new ArrayList<>();
            int[] size = {0};
            registry.scanIndex(
                    leaf,
                    null,
                    leaf + 1,
                    (l, id, digest) -> {
                        entries.add(new RegistryCodec.LeafEntry(id, digest));
                        size[0] += RegistryCodec.strSize(id) + Long.BYTES;
                        return true;
                    });
            if (!budget.take(RegistryCodec.varintSize(entries.size()) + size[0])) {
                break;
            }
            leaves.add(entries);
        }
        return new RegistryCodec.LeavesReply(leaves);
    }

    private RegistryCodec.FetchReply fetch(RegistryCodec.FetchRequest request) {
        List<Optional<String>> values = new ArrayList<>();
        Budget budget = new Budget();
        for (String id : request.ids()) {
            String value = registry.entry(id);
            if (!budget.take(1 + (value == null ? 0 : RegistryCodec.strSize(value)))) {
                break;
            }
            values.add(Optional.ofNullable(value));
        }
        return new RegistryCodec.FetchReply(values);
    }

    private RegistryCodec.RangeReply range(RegistryCodec.RangeRequest request) {
        List<RegistryCodec.Entry> entries = new ArrayList<>();
        Budget budget = new Budget();
        boolean[] more = {false};
        registry.scanIndex(
                request.afterLeaf(),
                request.afterId(),
                request.toLeaf(),
                (leaf, id, digest) -> {
                    String value = registry.entry(id);
                    if (value == null) {
                        return true;
                    }
                    if (!budget.takeUnbounded(
                            RegistryCodec.strSize(id) + RegistryCodec.strSize(value))) {
                        more[0] = true;
                        return false;
                    }
                    entries.add(new RegistryCodec.Entry(id, value));
                    return true;
                });
        return new RegistryCodec.RangeReply(entries, more[0]);
    }

    /**
     * What is left of one reply's byte budget and item count. The first item always fits, so that
     * every reply makes progress.
     */
    private final class Budget {
        private long bytes = settings.maxReplyBytes() - HEADER_BYTES;
        private int items;

        /** Takes an item of {@code size} bytes, counting it against the item limit too. */
        boolean take(int size) {
            if (items >= settings.maxNodesPerRequest()) {
                return false;
            }
            return takeUnbounded(size);
        }

        /** Takes an item of {@code size} bytes, whatever the item count. */
        boolean takeUnbounded(int size) {
            if (items > 0 && size > bytes) {
                return false;
            }
            bytes -= size;
            items++;
            return true;
        }
    }
}

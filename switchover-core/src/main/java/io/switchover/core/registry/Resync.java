package io.switchover.core.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The backup's compare-and-update: brings the local registry's entries in line with the primary's
 * by comparing hash trees, so that the messages and bytes grow with the number of differences, not
 * with the size of the tree.
 *
 * <h2>How</h2>
 *
 * <ol>
 *   <li>Ask the primary ({@link RegistryServer#DIGESTS}) for the children's digests and counts of
 *       the nodes that differ, level by level from the root, up to {@link
 *       Settings#maxNodesPerRequest()} nodes per request.
 *   <li>A differing node that the primary holds nothing under: remove the local entries of its
 *       leaves, without asking anything more. One that the backup holds nothing under: copy its
 *       leaves with {@link RegistryServer#RANGE} (adjacent ones merged into one range), page by
 *       page. Otherwise descend; at the leaves, ask {@link RegistryServer#LEAVES} for their (id,
 *       digest) lists, remove the local ids the primary lacks and {@link RegistryServer#FETCH} the
 *       ids missing or different here.
 *   <li>When nothing is left to ask, start again from the root: a round that finds no difference
 *       ends the resync, in step. After {@link #MAX_ROUNDS} rounds that all found differences (the
 *       primary kept changing), it ends anyway; see the contract below.
 * </ol>
 *
 * One request is under way at a time. Each reply is applied as it comes and followed by {@link
 * Registry#commit()} when it changed anything, so progress is durable and memory stays bounded by a
 * reply. {@code beforeFirstChange} runs exactly once, right before the first local change, and
 * never when nothing differs: the daemon uses it to export the backup's tree aside when it held
 * writes of its own.
 *
 * <h2>Contract with the caller: not a snapshot</h2>
 *
 * The primary keeps accepting writes during a resync, and the resync reads its tree as it is at
 * each request. The caller therefore subscribes to the primary's change stream first, at position
 * {@code P} (the primary's last seq at subscription), buffers the changes it receives while the
 * resync runs, and once {@code done} reports {@code complete}: calls {@link Registry#resetSeq} with
 * {@code P}, then {@link Registry#applyReplicated} for each buffered change with seq {@code > P},
 * in order. Changes are absolute (a PUT sets, a DELETE removes), so replaying those the resync
 * already saw does no harm, and the result is the primary's tree at the last buffered change.
 * {@code done} is told {@code complete} when the resync ran to its end; its detail says whether the
 * last round found the trees equal.
 *
 * <h2>Threading</h2>
 *
 * Single-threaded, driven by callbacks: {@link #start()}, {@link #cancel} and the {@link Peer}'s
 * reply callbacks must all run on the registry's thread. A reply may be delivered inside {@link
 * Peer#call} itself: replies are queued and handled one after another, never recursively.
 */
public final class Resync {

    /** Rounds at most: the first does the work, the next ones verify and mend. */
    public static final int MAX_ROUNDS = 3;

    /** Local entries removed per commit where the primary holds nothing. */
    private static final int DELETE_BATCH = 4_096;

    /** The way to the primary's {@link RegistryServer}. */
    @FunctionalInterface
    public interface Peer {
        /**
         * Sends a request; {@code reply} is called once with the server's reply or a failure, on
         * the registry's thread.
         */
        void call(String operation, byte[] body, Consumer<Reply> reply);
    }

    /** A reply: the server's body, or why there is none. */
    public record Reply(byte[] body, String failure) {
        public static Reply ok(byte[] body) {
            return new Reply(Objects.requireNonNull(body, "body"), null);
        }

        public static Reply failed(String why) {
            return new Reply(new byte[0], why == null ? "failed" : why);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * Sizes of the exchange, shared by both sides.
     *
     * @param maxReplyBytes the server's budget for one reply's body (one item larger than it still
     *     goes alone); the backup's for one FETCH request's ids
     * @param maxNodesPerRequest nodes, leaves or ids in one request (and answered in one reply)
     */
    public record Settings(int maxReplyBytes, int maxNodesPerRequest) {
        public static final Settings DEFAULT = new Settings(1 << 20, 4096);

        public Settings {
            if (maxReplyBytes < 1 || maxNodesPerRequest < 1) {
                throw new IllegalArgumentException(
                        "maxReplyBytes and maxNodesPerRequest must be at least 1, got "
                                + maxReplyBytes
                                + " and "
                                + maxNodesPerRequest);
            }
        }
    }

    /**
     * What a resync cost and did.
     *
     * @param messages requests sent plus replies received
     * @param bytesSent request bodies' bytes
     * @param bytesReceived reply bodies' bytes
     * @param entriesWritten local entries created or changed
     * @param entriesRemoved local entries removed
     */
    public record Stats(
            long messages,
            long bytesSent,
            long bytesReceived,
            long entriesWritten,
            long entriesRemoved) {}

    /** How it ended: {@code complete} when it ran to its end, else why it stopped. */
    public record Result(boolean complete, String detail, Stats stats) {}

    private enum Phase {
        NEW,
        RUNNING,
        DONE
    }

    /** Applies one reply's body. */
    @FunctionalInterface
    private interface ReplyHandler {
        void apply(byte[] body) throws RegistryException;
    }

    private final Registry local;
    private final HashTree tree;
    private final Peer primary;
    private final Settings settings;
    private final Runnable beforeFirstChange;
    private final Consumer<Result> done;

    private Phase phase = Phase.NEW;
    private int round;
    private boolean differences;

    /** Per level 0 to 3: nodes whose children's digests to ask for. */
    private final List<Deque<Integer>> digestQueues = new ArrayList<>();

    private final Deque<Integer> leafQueue = new ArrayDeque<>();
    private final Deque<String> fetchQueue = new ArrayDeque<>();

    /** Leaf ranges {@code {from, to}} to copy; the head one resumes after the cursor, if any. */
    private final Deque<int[]> rangeQueue = new ArrayDeque<>();

    private int cursorLeaf;
    private String cursorId;

    /** The token of the request under way; 0 when none. */
    private long awaiting;

    private long tokens;
    private boolean changed;
    private boolean uncommitted;

    /** Work handed in by callbacks, run one after another (see the class comment). */
    private final Deque<Runnable> work = new ArrayDeque<>();

    private boolean working;

    private long messages;
    private long bytesSent;
    private long bytesReceived;
    private long entriesWritten;
    private long entriesRemoved;

    public Resync(
            Registry local,
            Peer primary,
            Settings settings,
            Runnable beforeFirstChange,
            Consumer<Result> done) {
        this.local = Objects.requireNonNull(local, "local");
        this.tree = local.hashTree();
        this.primary = Objects.requireNonNull(primary, "primary");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.beforeFirstChange = Objects.requireNonNull(beforeFirstChange, "beforeFirstChange");
        this.done = Objects.requireNonNull(done, "done");
        for (int level = 0; level < HashTree.LEVELS; level++) {
            digestQueues.add(new ArrayDeque<>());
        }
    }

    /** Begins with the root. May be called once. */
    public void start() {
        if (phase != Phase.NEW) {
            throw new IllegalStateException("a resync starts once; this one is " + phase);
        }
        phase = Phase.RUNNING;
        round = 1;
        digestQueues.get(0).add(0);
        submit(this::next);
    }

    /**
     * Stops: replies still under way are ignored, and {@code done} is told {@code complete=false}
     * with {@code why}. Nothing when already done.
     */
    public void cancel(String why) {
        if (phase != Phase.DONE) {
            finish(false, why);
        }
    }

    public Stats stats() {
        return new Stats(messages, bytesSent, bytesReceived, entriesWritten, entriesRemoved);
    }

    // ---------------------------------------------------------------- the loop

    private void submit(Runnable task) {
        work.add(task);
        if (working) {
            return;
        }
        working = true;
        try {
            Runnable next;
            while ((next = work.poll()) != null) {
                next.run();
            }
        } finally {
            working = false;
        }
    }

    /** Sends the next request, deepest work first so that the queues stay small. */
    private void next() {
        if (phase != Phase.RUNNING || awaiting != 0) {
            return;
        }
        if (!fetchQueue.isEmpty()) {
            sendFetch();
            return;
        }
        if (!rangeQueue.isEmpty()) {
            sendRange();
            return;
        }
        if (!leafQueue.isEmpty()) {
            sendLeaves();
            return;
        }
        for (int level = HashTree.LEVELS - 1; level >= 0; level--) {
            if (!digestQueues.get(level).isEmpty()) {
                sendDigests(level);
                return;
            }
        }
        endOfRound();
    }

    private void endOfRound() {
        if (!differences) {
            finish(
                    true,
                    "in step with the primary after "
                            + round
                            + (round == 1 ? " round" : " rounds")
                            + ": "
                            + tree.count(0, 0)
                            + " entries, root digest "
                            + Long.toHexString(tree.digest(0, 0)));
            return;
        }
        if (round == MAX_ROUNDS) {
            finish(
                    true,
                    "the primary kept changing: still different after "
                            + round
                            + " rounds; its change stream brings the rest");
            return;
        }
        round++;
        differences = false;
        digestQueues.get(0).add(0);
        submit(this::next);
    }

    private void send(String operation, byte[] body, ReplyHandler handler) {
        long token = ++tokens;
        awaiting = token;
        messages++;
        bytesSent += body.length;
        try {
            primary.call(
                    operation,
                    body,
                    reply -> submit(() -> receive(token, operation, reply, handler)));
        } catch (RuntimeException e) {
            if (awaiting == token) {
                finish(false, operation + " could not be sent: " + e);
            }
        }
    }

    private void receive(long token, String operation, Reply reply, ReplyHandler handler) {
        if (phase != Phase.RUNNING || token != awaiting) {
            return;
        }
        awaiting = 0;
        messages++;
        if (reply == null || !reply.ok()) {
            finish(false, operation + " failed: " + (reply == null ? "no reply" : reply.failure()));
            return;
        }
        bytesReceived += reply.body().length;
        try {
            handler.apply(reply.body());
            commitIfChanged();
        } catch (RegistryException e) {
            finish(false, operation + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            finish(false, operation + ": internal error: " + e);
            throw e;
        }
        next();
    }

    private void finish(boolean complete, String detail) {
        phase = Phase.DONE;
        awaiting = 0;
        digestQueues.forEach(Deque::clear);
        leafQueue.clear();
        fetchQueue.clear();
        rangeQueue.clear();
        done.accept(new Result(complete, detail, stats()));
    }

    // ---------------------------------------------------------------- digests

    private void sendDigests(int level) {
        List<Integer> nodes = take(digestQueues.get(level));
        send(
                RegistryServer.DIGESTS,
                RegistryCodec.encode(new RegistryCodec.DigestsRequest(level, nodes)),
                body -> onDigests(level, nodes, RegistryCodec.decodeDigestsReply(body)));
    }

    private void onDigests(int level, List<Integer> nodes, RegistryCodec.DigestsReply reply)
            throws RegistryException {
        int answered = answered(reply.answered(), nodes.size(), "nodes");
        for (int i = 0; i < answered; i++) {
            for (int c = 0; c < HashTree.FANOUT; c++) {
                RegistryCodec.NodeSummary theirs = reply.children().get(i * HashTree.FANOUT + c);
                compare(level + 1, nodes.get(i) * HashTree.FANOUT + c, theirs);
            }
        }
        putBack(digestQueues.get(level), nodes.subList(answered, nodes.size()));
    }

    /** Decides what a node of the primary's, with its digest and count, needs here. */
    private void compare(int level, int node, RegistryCodec.NodeSummary theirs)
            throws RegistryException {
        long ours = tree.count(level, node);
        if (tree.digest(level, node) == theirs.digest() && ours == theirs.count()) {
            return;
        }
        differences = true;
        int from = HashTree.firstLeaf(level, node);
        int to = HashTree.endLeaf(level, node);
        if (theirs.count() == 0) {
            removeLeaves(from, to);
        } else if (ours == 0) {
            copyLeaves(from, to);
        } else if (level == HashTree.LEVELS) {
            leafQueue.add(node);
        } else {
            digestQueues.get(level).add(node);
        }
    }

    /** Removes every local entry of the leaves {@code [from, to)}, a batch per commit. */
    private void removeLeaves(int from, int to) throws RegistryException {
        while (true) {
            List<String> ids = new ArrayList<>();
            local.scanIndex(
                    from,
                    null,
                    to,
                    (leaf, id, digest) -> {
                        ids.add(id);
                        return ids.size() < DELETE_BATCH;
                    });
            if (ids.isEmpty()) {
                return;
            }
            for (String id : ids) {
                remove(id);
            }
            commitIfChanged();
        }
    }

    /**
     * Queues the leaves {@code [from, to)} for copying, merged with the range before if adjacent.
     */
    private void copyLeaves(int from, int to) {
        int[] last = rangeQueue.peekLast();
        if (last != null && last[1] == from) {
            last[1] = to;
        } else {
            rangeQueue.add(new int[] {from, to});
        }
    }

    // ---------------------------------------------------------------- leaves

    private void sendLeaves() {
        List<Integer> leaves = take(leafQueue);
        send(
                RegistryServer.LEAVES,
                RegistryCodec.encode(new RegistryCodec.LeavesRequest(leaves)),
                body -> onLeaves(leaves, RegistryCodec.decodeLeavesReply(body)));
    }

    private void onLeaves(List<Integer> leaves, RegistryCodec.LeavesReply reply)
            throws RegistryException {
        int answered = answered(reply.leaves().size(), leaves.size(), "leaves");
        for (int i = 0; i < answered; i++) {
            int leaf = leaves.get(i);
            Map<String, Long> theirs = new LinkedHashMap<>();
            for (RegistryCodec.LeafEntry e : reply.leaves().get(i)) {
                if (HashTree.leafOf(e.id()) != leaf) {
                    throw protocol(
                            "leaf "
                                    + leaf
                                    + " lists '"
                                    + KeyPath.printable(e.id())
                                    + "', which belongs to leaf "
                                    + HashTree.leafOf(e.id()));
                }
                theirs.put(e.id(), e.digest());
            }
            List<String> gone = new ArrayList<>();
            local.scanIndex(
                    leaf,
                    null,
                    leaf + 1,
                    (l, id, digest) -> {
                        Long their = theirs.remove(id);
                        if (their == null) {
                            gone.add(id);
                        } else if (their != digest) {
                            fetchQueue.add(id);
                        }
                        return true;
                    });
            fetchQueue.addAll(theirs.keySet());
            for (String id : gone) {
                remove(id);
            }
        }
        putBack(leafQueue, leaves.subList(answered, leaves.size()));
    }

    // ---------------------------------------------------------------- fetch

    private void sendFetch() {
        List<String> ids = new ArrayList<>();
        long bytes = 0;
        while (!fetchQueue.isEmpty()
                && ids.size() < settings.maxNodesPerRequest()
                && (ids.isEmpty() || bytes < settings.maxReplyBytes())) {
            String id = fetchQueue.poll();
            bytes += RegistryCodec.strSize(id);
            ids.add(id);
        }
        send(
                RegistryServer.FETCH,
                RegistryCodec.encode(new RegistryCodec.FetchRequest(ids)),
                body -> onFetch(ids, RegistryCodec.decodeFetchReply(body)));
    }

    private void onFetch(List<String> ids, RegistryCodec.FetchReply reply)
            throws RegistryException {
        int answered = answered(reply.values().size(), ids.size(), "ids");
        for (int i = 0; i < answered; i++) {
            String id = ids.get(i);
            // Absent: the primary removed it since it listed it; so do we.
            if (reply.values().get(i).isPresent()) {
                put(id, reply.values().get(i).get());
            } else {
                remove(id);
            }
        }
        putBack(fetchQueue, ids.subList(answered, ids.size()));
    }

    // ---------------------------------------------------------------- range

    private void sendRange() {
        int[] range = rangeQueue.peek();
        RegistryCodec.RangeRequest request =
                cursorId == null
                        ? new RegistryCodec.RangeRequest(range[0], range[1], range[0], null)
                        : new RegistryCodec.RangeRequest(range[0], range[1], cursorLeaf, cursorId);
        send(
                RegistryServer.RANGE,
                RegistryCodec.encode(request),
                body -> onRange(request, RegistryCodec.decodeRangeReply(body)));
    }

    private void onRange(RegistryCodec.RangeRequest request, RegistryCodec.RangeReply reply)
            throws RegistryException {
        int lastLeaf = request.afterLeaf();
        String lastId = request.afterId();
        for (RegistryCodec.Entry e : reply.entries()) {
            int leaf = HashTree.leafOf(e.id());
            boolean after =
                    leaf > lastLeaf
                            || (leaf == lastLeaf
                                    && (lastId == null || e.id().compareTo(lastId) > 0));
            if (leaf >= request.toLeaf() || !after) {
                throw protocol(
                        "range ["
                                + request.fromLeaf()
                                + ", "
                                + request.toLeaf()
                                + ") returned '"
                                + KeyPath.printable(e.id())
                                + "' (leaf "
                                + leaf
                                + ") out of order or out of range");
            }
            put(e.id(), e.value());
            lastLeaf = leaf;
            lastId = e.id();
        }
        if (reply.more()) {
            cursorLeaf = lastLeaf;
            cursorId = lastId;
        } else {
            rangeQueue.poll();
            cursorId = null;
        }
    }

    // ---------------------------------------------------------------- local changes

    private void put(String id, String value) {
        if (value.equals(local.entry(id))) {
            return;
        }
        beforeChange();
        local.putReplicatedEntry(id, value);
        entriesWritten++;
    }

    private void remove(String id) {
        if (local.entry(id) == null) {
            return;
        }
        beforeChange();
        local.removeReplicatedEntry(id);
        entriesRemoved++;
    }

    private void beforeChange() {
        if (!changed) {
            changed = true;
            beforeFirstChange.run();
        }
        uncommitted = true;
    }

    private void commitIfChanged() throws RegistryException {
        if (uncommitted) {
            local.commit();
            uncommitted = false;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Up to {@link Settings#maxNodesPerRequest()} items off the head of {@code queue}. */
    private <T> List<T> take(Deque<T> queue) {
        List<T> items = new ArrayList<>();
        while (!queue.isEmpty() && items.size() < settings.maxNodesPerRequest()) {
            items.add(queue.poll());
        }
        return items;
    }

    /** Puts unanswered items back at the head of {@code queue}, in their order. */
    private static <T> void putBack(Deque<T> queue, List<T> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            queue.addFirst(items.get(i));
        }
    }

    /** How many items a reply answered: at least one, at most those asked. */
    private static int answered(int answered, int asked, String what) throws RegistryException {
        if (answered < 1 || answered > asked) {
            throw protocol("the reply answers " + answered + " of " + asked + " " + what);
        }
        return answered;
    }

    private static RegistryException protocol(String what) {
        return new RegistryException(RegistryException.Kind.INVALID, what);
    }
}

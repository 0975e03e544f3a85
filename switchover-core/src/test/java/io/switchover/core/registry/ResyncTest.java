package io.switchover.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResyncTest {

    private static final int[] SIZES = {0, 1, 7, 50, 300, 1_000, 3_000, 8_000, 20_000};

    // ---------------------------------------------------------------- convergence

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(
            longs = {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                24
            })
    void resync_randomDifferencesBothWays_backupEqualsPrimaryExactly(long seed) throws Exception {
        Random random = new Random(seed);
        int size = SIZES[(int) (seed % SIZES.length)];
        Registry primary = registry();
        Trees.fill(primary, random, size);
        Registry backup = registry();
        Trees.copy(primary, backup);
        int scenario = (int) (seed % 6);
        switch (scenario) {
            case 0 -> backup = registry(); // empty backup: a full copy
            case 1 -> primary = registry(); // empty primary: everything removed
            default -> Trees.diverge(primary, backup, random, 1 + random.nextInt(200));
        }

        Outcome outcome = resync(primary, backup, Resync.Settings.DEFAULT);

        assertThat(outcome.result.complete()).as(outcome.result.detail()).isTrue();
        assertThat(outcome.result.detail()).startsWith("in step with the primary");
        Trees.assertSame(primary, backup);
        boolean differed =
                outcome.result.stats().entriesWritten() + outcome.result.stats().entriesRemoved()
                        > 0;
        assertThat(outcome.beforeFirstChange).isEqualTo(differed ? 1 : 0);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106})
    void resync_tinyBudgets_pagesAndPrefixAnswers_stillConverge(long seed) throws Exception {
        Random random = new Random(seed);
        Registry primary = registry();
        Trees.fill(primary, random, 2_000);
        primary.put(primary.path("/big"), Map.of("blob", "x".repeat(5_000)));
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, random, 150);
        if (seed % 2 == 0) {
            backup.deleteKey(backup.path("/big"));
        }

        Outcome outcome = resync(primary, backup, new Resync.Settings(300, 3));

        assertThat(outcome.result.complete()).as(outcome.result.detail()).isTrue();
        Trees.assertSame(primary, backup);
    }

    @Test
    void resync_emptyBackup_copiesEverythingWithRangesOnly() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(7), 5_000);
        Registry backup = registry();
        List<String> operations = new ArrayList<>();

        Outcome outcome = resync(primary, backup, Resync.Settings.DEFAULT, operations);

        Trees.assertSame(primary, backup);
        assertThat(operations)
                .containsOnly(RegistryServer.DIGESTS, RegistryServer.RANGE)
                .startsWith(RegistryServer.DIGESTS)
                .endsWith(RegistryServer.DIGESTS);
        assertThat(outcome.result.stats().entriesWritten()).isEqualTo(primary.entryCount());
        assertThat(outcome.beforeFirstChange).isEqualTo(1);
    }

    @Test
    void resync_emptyPrimary_removesEverythingWithoutAskingForEntries() throws Exception {
        Registry primary = registry();
        Registry backup = registry();
        Trees.fill(backup, new Random(8), 5_000);
        long entries = backup.entryCount();
        List<String> operations = new ArrayList<>();

        Outcome outcome = resync(primary, backup, Resync.Settings.DEFAULT, operations);

        assertThat(backup.entryCount()).isZero();
        assertThat(backup.keyCount()).isZero();
        assertThat(operations).containsOnly(RegistryServer.DIGESTS);
        assertThat(outcome.result.stats().entriesRemoved()).isEqualTo(entries);
    }

    @Test
    void resync_identicalTrees_oneExchange_noChangeNoCommit() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(9), 2_000);
        MemoryRegistryStore backupStore = new MemoryRegistryStore();
        Registry backup = new Registry(backupStore, RegistryLimits.DEFAULT);
        Trees.copy(primary, backup);
        long commits = backupStore.commits();

        Outcome outcome = resync(primary, backup, Resync.Settings.DEFAULT);

        assertThat(outcome.result.complete()).isTrue();
        assertThat(outcome.result.detail()).startsWith("in step with the primary after 1 round:");
        assertThat(outcome.result.stats().messages()).isEqualTo(2);
        assertThat(outcome.beforeFirstChange).isZero();
        assertThat(backupStore.commits()).isEqualTo(commits);
    }

    @Test
    void resync_beforeFirstChange_runsOnceBeforeAnythingChanges() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(10), 1_000);
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, new Random(11), 50);
        List<KeyValues> before = Trees.export(backup);
        List<List<KeyValues>> seenAtCall = new ArrayList<>();
        Registry b = backup;
        Resync resync =
                new Resync(
                        backup,
                        serverPeer(primary, Resync.Settings.DEFAULT, null),
                        Resync.Settings.DEFAULT,
                        () -> seenAtCall.add(Trees.export(b)),
                        r -> {});
        resync.start();
        assertThat(seenAtCall).containsExactly(before);
        Trees.assertSame(primary, backup);
    }

    @Test
    void resync_commitsAfterEachAppliedReply() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(12), 3_000);
        MemoryRegistryStore store = new MemoryRegistryStore();
        Registry backup = new Registry(store, RegistryLimits.DEFAULT);
        Outcome outcome = resync(primary, backup, new Resync.Settings(4_096, 64));
        // Every RANGE reply changed something, and was committed on its own.
        long requests = outcome.result.stats().messages() / 2;
        assertThat(store.commits()).isEqualTo(requests - 2);
    }

    @Test
    void resync_primaryChangesBetweenRounds_mendedByTheNextRound() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(13), 2_000);
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, new Random(14), 100);
        int[] rootRequests = {0};
        Resync.Peer peer =
                changingPeer(
                        primary,
                        () -> {
                            if (++rootRequests[0] == 2) {
                                write(primary, "/during/the/resync");
                            }
                        });
        Resync.Result[] result = {null};
        new Resync(backup, peer, Resync.Settings.DEFAULT, () -> {}, r -> result[0] = r).start();

        assertThat(result[0].complete()).isTrue();
        assertThat(result[0].detail()).startsWith("in step with the primary after 3 rounds");
        Trees.assertSame(primary, backup);
    }

    @Test
    void resync_primaryKeepsChanging_completeAndTheBufferedChangesFinishTheJob() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(21), 3_000);
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, new Random(22), 100);
        // The caller's side of the contract: subscribe at P, buffer, replay what follows P.
        long subscribedAt = primary.lastSeq();
        List<RegistryChange> buffered = new ArrayList<>();
        primary.addWatcher(buffered::add);
        int[] n = {0};
        Random random = new Random(23);
        Resync.Peer peer =
                changingPeer(
                        primary,
                        () -> {
                            write(primary, "/churn/k" + random.nextInt(50));
                            if (++n[0] % 5 == 0) {
                                try {
                                    primary.deleteKey(primary.path("/churn"));
                                } catch (RegistryException e) {
                                    throw new AssertionError(e);
                                }
                            }
                        });
        Resync.Result[] result = {null};
        new Resync(backup, peer, Resync.Settings.DEFAULT, () -> {}, r -> result[0] = r).start();

        assertThat(result[0].complete()).isTrue();
        assertThat(result[0].detail()).startsWith("the primary kept changing");
        backup.resetSeq(subscribedAt);
        for (RegistryChange change :
                RegistryCodec.decodeChanges(RegistryCodec.encodeChanges(buffered))) {
            if (change.seq() > subscribedAt) {
                backup.applyReplicated(change);
            }
        }
        Trees.assertSame(primary, backup);
        assertThat(backup.lastSeq()).isEqualTo(primary.lastSeq());
    }

    /** A server peer that runs {@code beforeEachRequest} on the primary before every request. */
    private static Resync.Peer changingPeer(Registry primary, Runnable beforeEachRequest) {
        RegistryServer server = new RegistryServer(primary, Resync.Settings.DEFAULT);
        return (operation, body, reply) -> {
            if (operation.equals(RegistryServer.DIGESTS) && body[0] == 0) {
                beforeEachRequest.run();
            }
            reply.accept(answer(server, operation, body));
        };
    }

    private static void write(Registry r, String path) {
        try {
            r.put(r.path(path), Map.of("v", "written while resyncing " + r.lastSeq()));
        } catch (RegistryException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void resync_repliesDeliveredLater_sameOutcome() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(15), 3_000);
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, new Random(16), 80);
        RegistryServer server = new RegistryServer(primary, Resync.Settings.DEFAULT);
        Deque<Runnable> later = new ArrayDeque<>();
        Resync.Peer peer =
                (operation, body, reply) ->
                        later.add(() -> reply.accept(answer(server, operation, body)));
        Resync.Result[] result = {null};
        new Resync(backup, peer, Resync.Settings.DEFAULT, () -> {}, r -> result[0] = r).start();
        int deliveries = 0;
        while (!later.isEmpty()) {
            assertThat(later).hasSize(1);
            later.poll().run();
            deliveries++;
        }
        assertThat(result[0].complete()).isTrue();
        assertThat(result[0].stats().messages()).isEqualTo(2L * deliveries);
        Trees.assertSame(primary, backup);
    }

    // ---------------------------------------------------------------- failures and cancel

    @Test
    void resync_failedReply_abortsWithTheReason_nothingMoreSent() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(17), 1_000);
        Registry backup = registry();
        Trees.copy(primary, backup);
        Trees.diverge(primary, backup, new Random(18), 30);
        RegistryServer server = new RegistryServer(primary, Resync.Settings.DEFAULT);
        List<String> sent = new ArrayList<>();
        Resync.Peer peer =
                (operation, body, reply) -> {
                    sent.add(operation);
                    reply.accept(
                            operation.equals(RegistryServer.FETCH)
                                    ? Resync.Reply.failed("connection to node-a lost")
                                    : answer(server, operation, body));
                };
        List<Resync.Result> results = new ArrayList<>();
        new Resync(backup, peer, Resync.Settings.DEFAULT, () -> {}, results::add).start();

        assertThat(results).hasSize(1);
        assertThat(results.get(0).complete()).isFalse();
        assertThat(results.get(0).detail())
                .isEqualTo("registry.fetch failed: connection to node-a lost");
        assertThat(sent).endsWith(RegistryServer.FETCH).containsOnlyOnce(RegistryServer.FETCH);
        assertThat(results.get(0).stats().messages()).isEqualTo(2L * sent.size());
    }

    @Test
    void resync_malformedReply_abortsNamingTheProblem() throws Exception {
        Registry primary = registry();
        primary.put(primary.path("/a"), Map.of("x", "1"));
        List<Resync.Result> results = new ArrayList<>();
        new Resync(
                        registry(),
                        (operation, body, reply) -> reply.accept(Resync.Reply.ok(new byte[] {5})),
                        Resync.Settings.DEFAULT,
                        () -> {},
                        results::add)
                .start();
        assertThat(results)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.complete()).isFalse();
                            assertThat(r.detail())
                                    .startsWith("registry.digests: registry.digests reply:");
                        });
    }

    @Test
    void resync_serverRefusesARequest_failureCarriesItsMessage() throws Exception {
        Registry backup = registry();
        backup.put(backup.path("/a"), Map.of());
        List<Resync.Result> results = new ArrayList<>();
        new Resync(
                        backup,
                        (operation, body, reply) ->
                                reply.accept(Resync.Reply.failed("unknown registry operation")),
                        Resync.Settings.DEFAULT,
                        () -> {},
                        results::add)
                .start();
        assertThat(results.get(0).detail())
                .isEqualTo("registry.digests failed: unknown registry operation");
        assertThat(backup.entryCount()).isEqualTo(1);
    }

    @Test
    void cancel_laterRepliesIgnored_doneOnceWithTheReason() throws Exception {
        Registry primary = registry();
        Trees.fill(primary, new Random(19), 500);
        Registry backup = registry();
        RegistryServer server = new RegistryServer(primary, Resync.Settings.DEFAULT);
        Deque<Runnable> later = new ArrayDeque<>();
        Resync.Peer peer =
                (operation, body, reply) ->
                        later.add(() -> reply.accept(answer(server, operation, body)));
        List<Resync.Result> results = new ArrayList<>();
        int[] before = {0};
        Resync resync =
                new Resync(backup, peer, Resync.Settings.DEFAULT, () -> before[0]++, results::add);
        resync.start();
        later.poll().run(); // the root's digests: the backup is empty, a RANGE follows
        assertThat(later).hasSize(1);

        resync.cancel("the primary stepped down");
        later.poll().run();
        resync.cancel("again");

        assertThat(results)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.complete()).isFalse();
                            assertThat(r.detail()).isEqualTo("the primary stepped down");
                        });
        assertThat(later).isEmpty();
        assertThat(backup.entryCount()).isZero();
        assertThat(before[0]).isZero();
        assertThat(resync.stats().messages()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- cost

    @Test
    void resync_cost_growsWithTheDifferencesNotTheTree() throws Exception {
        Registry primary = registry();
        Trees.fillFlat(primary, 40_000, 4); // 200,000 entries
        assertThat(primary.entryCount()).isEqualTo(200_000);

        Registry backup = registry();
        Outcome full = resync(primary, backup, Resync.Settings.DEFAULT);
        Trees.assertSameTree(primary, backup);

        Random random = new Random(20);
        int differences = 0;
        while (differences < 100) {
            KeyPath key = backup.path("/Line" + random.nextInt(40_000));
            switch (differences % 3) {
                case 0 -> backup.put(key, Map.of("v0", "changed on the backup"));
                case 1 -> backup.put(key, Map.of("extra", "only on the backup"));
                default -> backup.deleteValue(key, "v1");
            }
            differences++;
        }
        Outcome few = resync(primary, backup, Resync.Settings.DEFAULT);
        Trees.assertSameTree(primary, backup);

        Resync.Stats f = full.result.stats();
        Resync.Stats d = few.result.stats();
        System.out.printf(
                "resync of a 200,000-entry tree: full copy %d messages, %d bytes sent, %d"
                        + " received; 100 differences %d messages, %d bytes sent, %d received%n",
                f.messages(),
                f.bytesSent(),
                f.bytesReceived(),
                d.messages(),
                d.bytesSent(),
                d.bytesReceived());
        long fullBytes = f.bytesSent() + f.bytesReceived();
        long fewBytes = d.bytesSent() + d.bytesReceived();
        assertThat(fewBytes).isLessThan(fullBytes / 50);
        assertThat(d.messages()).isLessThanOrEqualTo(20);
        assertThat(d.entriesWritten() + d.entriesRemoved()).isEqualTo(100);
    }

    // ---------------------------------------------------------------- helpers

    private static Registry registry() {
        return new Registry(new MemoryRegistryStore(), RegistryLimits.DEFAULT);
    }

    private record Outcome(Resync.Result result, int beforeFirstChange) {}

    private static Outcome resync(Registry primary, Registry backup, Resync.Settings settings) {
        return resync(primary, backup, settings, null);
    }

    private static Outcome resync(
            Registry primary, Registry backup, Resync.Settings settings, List<String> operations) {
        List<Resync.Result> results = new ArrayList<>();
        int[] before = {0};
        Resync resync =
                new Resync(
                        backup,
                        serverPeer(primary, settings, operations),
                        settings,
                        () -> before[0]++,
                        results::add);
        resync.start();
        assertThat(results).hasSize(1);
        assertThat(results.get(0).stats()).isEqualTo(resync.stats());
        return new Outcome(results.get(0), before[0]);
    }

    /** A peer that answers at once through a server over the primary, with the real codec. */
    private static Resync.Peer serverPeer(
            Registry primary, Resync.Settings settings, List<String> operations) {
        RegistryServer server = new RegistryServer(primary, settings);
        return (operation, body, reply) -> {
            if (operations != null) {
                operations.add(operation);
            }
            reply.accept(answer(server, operation, body));
        };
    }

    private static Resync.Reply answer(RegistryServer server, String operation, byte[] body) {
        try {
            return Resync.Reply.ok(server.handle(operation, body));
        } catch (RegistryException e) {
            return Resync.Reply.failed(e.getMessage());
        }
    }

    /** Random trees and differences, and exact comparison. */
    static final class Trees {
        private Trees() {}

        /** About {@code entries} entries in a random tree of depth 1 to 4. */
        static void fill(Registry r, Random random, int entries) throws RegistryException {
            while (r.entryCount() < entries) {
                KeyPath key = randomKey(r, random);
                Map<String, String> values = new TreeMap<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    values.put("v" + random.nextInt(6), randomValue(random));
                }
                r.put(key, values);
            }
        }

        /** {@code keys} keys under the root with {@code values} values each. */
        static void fillFlat(Registry r, int keys, int values) throws RegistryException {
            for (int k = 0; k < keys; k++) {
                Map<String, String> v = new TreeMap<>();
                for (int i = 0; i < values; i++) {
                    v.put("v" + i, "value " + i + " of line " + k);
                }
                r.put(r.path("/Line" + k), v);
            }
        }

        static KeyPath randomKey(Registry r, Random random) throws RegistryException {
            StringBuilder path = new StringBuilder();
            int depth = 1 + random.nextInt(4);
            for (int d = 0; d < depth; d++) {
                path.append("/").append((char) ('a' + random.nextInt(6))).append(random.nextInt(8));
            }
            return r.path(path.toString());
        }

        static String randomValue(Random random) {
            return switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> "line\nwith\tcontrols " + random.nextInt(100);
                case 2 -> "\u00e9t\u00e9 \ud83d\ude00 " + random.nextInt(1000);
                default -> Integer.toString(random.nextInt(1_000_000));
            };
        }

        static void copy(Registry from, Registry to) {
            from.export(
                    KeyPath.ROOT,
                    kv -> {
                        try {
                            to.put(kv.key(), kv.values());
                        } catch (RegistryException e) {
                            throw new AssertionError(e);
                        }
                    });
        }

        /** {@code n} random differences, each on one side or the other. */
        static void diverge(Registry primary, Registry backup, Random random, int n)
                throws RegistryException {
            for (int i = 0; i < n; i++) {
                Registry side = random.nextBoolean() ? primary : backup;
                KeyPath key = randomKey(side, random);
                switch (random.nextInt(5)) {
                    case 0 -> side.put(key, Map.of("v" + random.nextInt(6), randomValue(random)));
                    case 1 -> side.put(key, Map.of("only", "on one side"));
                    case 2 -> {
                        KeyPath top = key.depth() > 1 ? key.parent() : key;
                        if (side.get(top).isPresent()) {
                            side.deleteKey(top); // a whole subtree missing on this side
                        }
                    }
                    case 3 -> {
                        var values = side.get(key);
                        if (values.isPresent() && !values.get().isEmpty()) {
                            side.deleteValue(key, values.get().firstKey());
                        }
                    }
                    default -> side.put(key, Map.of());
                }
            }
        }

        static List<KeyValues> export(Registry r) {
            List<KeyValues> out = new ArrayList<>();
            r.export(KeyPath.ROOT, out::add);
            return out;
        }

        /** The hash trees and counts only: for trees too large to export twice per test. */
        static void assertSameTree(Registry primary, Registry backup) {
            assertThat(backup.entryCount()).isEqualTo(primary.entryCount());
            assertThat(backup.keyCount()).isEqualTo(primary.keyCount());
            HashTreeTest.assertSameTree(primary.hashTree(), backup.hashTree());
        }

        static void assertSame(Registry primary, Registry backup) {
            assertThat(backup.hashTree().digest(0, 0)).isEqualTo(primary.hashTree().digest(0, 0));
            assertThat(backup.entryCount()).isEqualTo(primary.entryCount());
            assertThat(backup.keyCount()).isEqualTo(primary.keyCount());
            HashTreeTest.assertSameTree(primary.hashTree(), backup.hashTree());
            assertThat(export(backup)).isEqualTo(export(primary));
        }
    }
}

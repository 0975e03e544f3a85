package io.switchover.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryServerTest {

    private final Registry registry =
            new Registry(new MemoryRegistryStore(), RegistryLimits.DEFAULT);

    @BeforeEach
    void fill() throws Exception {
        for (int i = 0; i < 400; i++) {
            registry.put(registry.path("/k" + i), Map.of("v", "value " + i));
        }
    }

    private RegistryServer server(int maxReplyBytes, int maxNodes) {
        return new RegistryServer(registry, new Resync.Settings(maxReplyBytes, maxNodes));
    }

    @Test
    void handle_unknownOrMissingOperation_invalidListingTheKnownOnes() {
        RegistryServer server = server(1 << 20, 4096);
        assertThatThrownBy(() -> server.handle("registry.snapshot", new byte[0]))
                .isInstanceOf(RegistryException.class)
                .hasMessage(
                        "unknown registry operation 'registry.snapshot'; known: registry.digests,"
                                + " registry.leaves, registry.fetch, registry.range");
        assertThatThrownBy(() -> server.handle(null, new byte[0]))
                .isInstanceOf(RegistryException.class)
                .hasMessage("no operation named");
        assertThatThrownBy(() -> server.handle(RegistryServer.FETCH, null))
                .isInstanceOf(RegistryException.class)
                .hasMessage("registry.fetch request: no body");
    }

    @Test
    void digests_childrenOfEachNode_fromTheTree() throws Exception {
        byte[] reply =
                server(1 << 20, 4096)
                        .handle(
                                RegistryServer.DIGESTS,
                                RegistryCodec.encode(
                                        new RegistryCodec.DigestsRequest(0, List.of(0))));
        RegistryCodec.DigestsReply digests = RegistryCodec.decodeDigestsReply(reply);
        assertThat(digests.answered()).isEqualTo(1);
        long sum = 0;
        long count = 0;
        for (int c = 0; c < HashTree.FANOUT; c++) {
            RegistryCodec.NodeSummary s = digests.children().get(c);
            assertThat(s.digest()).isEqualTo(registry.hashTree().digest(1, c));
            assertThat(s.count()).isEqualTo(registry.hashTree().count(1, c));
            sum += s.digest();
            count += s.count();
        }
        assertThat(sum).isEqualTo(registry.hashTree().digest(0, 0));
        assertThat(count).isEqualTo(800);
    }

    @Test
    void digests_moreNodesThanAllowed_answersAPrefix() throws Exception {
        List<Integer> nodes = List.of(1, 2, 3, 4, 5);
        RegistryCodec.DigestsReply reply =
                RegistryCodec.decodeDigestsReply(
                        server(1 << 20, 3)
                                .handle(
                                        RegistryServer.DIGESTS,
                                        RegistryCodec.encode(
                                                new RegistryCodec.DigestsRequest(2, nodes))));
        assertThat(reply.answered()).isEqualTo(3);
        assertThat(reply.children().get(HashTree.FANOUT).count())
                .isEqualTo(registry.hashTree().count(3, 2 * HashTree.FANOUT));
    }

    @Test
    void leaves_listEachLeafInIndexOrder_withinTheBudget() throws Exception {
        List<Integer> leaves = new ArrayList<>();
        registry.scanIndex(
                0,
                null,
                HashTree.LEAVES,
                (leaf, id, digest) -> {
                    if (leaves.isEmpty() || leaves.get(leaves.size() - 1) != leaf) {
                        leaves.add(leaf);
                    }
                    return true;
                });
        RegistryCodec.LeavesReply all =
                RegistryCodec.decodeLeavesReply(
                        server(1 << 20, 4096)
                                .handle(
                                        RegistryServer.LEAVES,
                                        RegistryCodec.encode(
                                                new RegistryCodec.LeavesRequest(leaves))));
        assertThat(all.leaves()).hasSize(leaves.size());
        assertThat(all.leaves().stream().mapToInt(List::size).sum()).isEqualTo(800);
        for (int i = 0; i < leaves.size(); i++) {
            for (RegistryCodec.LeafEntry e : all.leaves().get(i)) {
                assertThat(HashTree.leafOf(e.id())).isEqualTo(leaves.get(i));
                assertThat(e.digest()).isEqualTo(HashTree.digestOf(e.id(), registry.entry(e.id())));
            }
        }

        byte[] small =
                server(200, 4096)
                        .handle(
                                RegistryServer.LEAVES,
                                RegistryCodec.encode(new RegistryCodec.LeavesRequest(leaves)));
        int answered = RegistryCodec.decodeLeavesReply(small).leaves().size();
        assertThat(answered).isBetween(1, leaves.size() - 1);
        assertThat(small.length).isLessThanOrEqualTo(200);
    }

    @Test
    void fetch_valuesAndAbsences_aValueAboveTheBudgetGoesAlone() throws Exception {
        registry.put(registry.path("/big"), Map.of("blob", "b".repeat(1_000)));
        String big = "\u0001big\u0000blob";
        String small = "\u0001k1\u0000v";
        String absent = "\u0001nothing\u0000v";
        RegistryServer server = server(100, 4096);

        RegistryCodec.FetchReply first =
                RegistryCodec.decodeFetchReply(
                        server.handle(
                                RegistryServer.FETCH,
                                RegistryCodec.encode(
                                        new RegistryCodec.FetchRequest(List.of(big, small)))));
        assertThat(first.values()).containsExactly(Optional.of("b".repeat(1_000)));

        RegistryCodec.FetchReply second =
                RegistryCodec.decodeFetchReply(
                        server.handle(
                                RegistryServer.FETCH,
                                RegistryCodec.encode(
                                        new RegistryCodec.FetchRequest(
                                                List.of(small, absent, big)))));
        assertThat(second.values()).containsExactly(Optional.of("value 1"), Optional.empty());
    }

    @Test
    void range_pagesResumeAfterTheCursor_coverTheIndexExactlyOnce() throws Exception {
        List<String> expected = new ArrayList<>();
        registry.scanIndex(0x1000, null, 0x9000, (leaf, id, digest) -> expected.add(id));
        RegistryServer server = server(500, 4096);
        List<String> got = new ArrayList<>();
        RegistryCodec.RangeRequest request =
                new RegistryCodec.RangeRequest(0x1000, 0x9000, 0x1000, null);
        int pages = 0;
        while (true) {
            byte[] body = server.handle(RegistryServer.RANGE, RegistryCodec.encode(request));
            assertThat(body.length).isLessThanOrEqualTo(500);
            RegistryCodec.RangeReply reply = RegistryCodec.decodeRangeReply(body);
            pages++;
            for (RegistryCodec.Entry e : reply.entries()) {
                got.add(e.id());
                assertThat(e.value()).isEqualTo(registry.entry(e.id()));
            }
            if (!reply.more()) {
                break;
            }
            String last = got.get(got.size() - 1);
            request = new RegistryCodec.RangeRequest(0x1000, 0x9000, HashTree.leafOf(last), last);
        }
        assertThat(got).isEqualTo(expected);
        assertThat(pages).isGreaterThan(10);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void handle_randomBytes_invalidNeverUnchecked(long seed) {
        Random random = new Random(seed);
        RegistryServer server = server(1 << 16, 64);
        for (String operation : RegistryServer.OPERATIONS) {
            for (int i = 0; i < 1_000; i++) {
                byte[] body = new byte[random.nextInt(24)];
                random.nextBytes(body);
                try {
                    server.handle(operation, body);
                } catch (RegistryException e) {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID);
                    assertThat(e.getMessage()).startsWith(operation + " request: ");
                }
            }
        }
    }
}

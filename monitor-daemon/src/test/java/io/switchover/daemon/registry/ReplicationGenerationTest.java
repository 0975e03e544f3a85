package io.switchover.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchover.core.registry.MemoryRegistryStore;
import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry services over the real notifier on loopback, with their generations set by hand:
 * replication runs from a primary whose generation is at least the backup's, and a stream from a
 * node of a lower generation is refused, with the reason in the backup's status.
 */
class ReplicationGenerationTest {
    private static final byte[] SECRET =
            "generation-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T own(T c) {
        open.add(c);
        return c;
    }

    private static Transition to(State state, long generation) {
        return new Transition(
                1,
                State.STARTING,
                state,
                Reason.of(Reason.Cause.PEER_NOT_CONTACTED, "test"),
                generation,
                0);
    }

    /** node-a primary at {@code primaryGen}, node-b backup at {@code backupGen}, connected. */
    private RegistryService[] pair(long primaryGen, long backupGen) throws Exception {
        PeerHandlers aHandlers = new PeerHandlers();
        RegistryService a = own(service("node-a", "node-b", primaryGen, java.util.Optional::empty));
        a.register(aHandlers);
        NotifierServer server =
                own(
                        new NotifierServer(
                                settings("node-a"),
                                aHandlers,
                                () -> new NodeStatus("PRIMARY", primaryGen),
                                new ConnectionListener() {},
                                null));
        InetSocketAddress bound =
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        PeerHandlers bHandlers = new PeerHandlers();
        PeerClient[] client = new PeerClient[1];
        RegistryService b =
                own(
                        service(
                                "node-b",
                                "node-a",
                                backupGen,
                                () -> client[0].connection(ConnectionKind.MAIN)));
        b.register(bHandlers);
        client[0] =
                own(
                        new PeerClient(
                                settings("node-b"),
                                bHandlers,
                                () -> new NodeStatus("BACKUP", backupGen),
                                new ConnectionListener() {
                                    @Override
                                    public void established(
                                            io.switchover.notifier.session.PeerConnection c) {
                                        b.connectionEstablished();
                                    }
                                },
                                null,
                                bound));
        a.onTransition(to(State.PRIMARY, primaryGen));
        b.onTransition(to(State.BACKUP, backupGen));
        client[0].start();
        return new RegistryService[] {a, b};
    }

    private RegistryService service(
            String node,
            String peer,
            long generation,
            java.util.function.Supplier<
                            java.util.Optional<io.switchover.notifier.session.PeerConnection>>
                    connection) {
        MemoryRegistryStore store = new MemoryRegistryStore();
        return new RegistryService(
                new Registry(store, RegistryLimits.DEFAULT),
                store,
                node,
                peer,
                generation,
                dir.resolve(node).resolve("kept-aside"),
                RegistryService.Settings.DEFAULT,
                RegistryEvents.NONE,
                connection);
    }

    private static NotifierSettings settings(String node) {
        return NotifierSettings.builder("generation-test", node).sharedSecret(SECRET).build();
    }

    @Test
    void primaryOfTheSameGeneration_replicates() throws Exception {
        RegistryService[] ab = pair(4, 4);
        ab[0].put("/x", Map.of("v", "1"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ab[1].get("/x").map(v -> v.get("v")).orElse("").equals("1"));
    }

    @Test
    void primaryOfALowerGeneration_itsStreamIsRefused_andTheBackupSaysWhy() throws Exception {
        RegistryService[] ab = pair(3, 5);
        ab[0].put("/x", Map.of("v", "written by the older primary"));
        await("the refusal, in the backup's status")
                .atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                String.valueOf(ab[1].status().get("lastSessionEnd"))
                                        .contains("newer than this primary's 3"));
        assertThat(ab[1].get("/x")).isEmpty();
        assertThat(ab[1].replicaInSync()).isFalse();
        assertThat(ab[0].status().get("backup")).isNull();
    }
}

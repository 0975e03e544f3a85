package io.switchover.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.core.registry.KeyValues;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.state.State;
import io.switchover.daemon.testing.TestNode;
import io.switchover.daemon.testing.TestPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry replication between two real daemons on loopback: the registry service, the MVStore
 * store, the notifier and the core, as switchoverd wires them. node-a starts first and is primary.
 */
class RegistryPairTest {
    private static final Duration SYNC = Duration.ofSeconds(20);

    @TempDir Path dir;

    @Test
    void writesOnThePrimary_appearOnTheBackup_andTheLagReturnsToZero() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            RegistryService a = pair.a().daemon().registry();
            RegistryService b = pair.b().daemon().registry();
            for (int i = 0; i < 200; i++) {
                a.put("/Site/Lines/Line" + i, Map.of("number", "" + i, "state", "up"));
            }
            a.deleteValue("/Site/Lines/Line7", "state");
            a.deleteKey("/Site/Lines/Line8");

            awaitSameTree(a, b);
            assertThat(b.get("/Site/Lines/Line7"))
                    .contains(new java.util.TreeMap<>(Map.of("number", "7")));
            assertThat(b.get("/Site/Lines/Line8")).isEmpty();
            await("the primary sees no lag")
                    .atMost(SYNC)
                    .until(() -> a.lagChanges() == 0 && a.inSyncForMetrics());
            JsonNode replica = pair.b().status().path("replication").path("registry");
            assertThat(replica.path("role").asText()).isEqualTo("replica");
            assertThat(replica.path("inSync").asBoolean()).isTrue();
            JsonNode source = pair.a().status().path("replication").path("registry");
            assertThat(source.path("role").asText()).isEqualTo("source");
            assertThat(source.path("backup").asText()).isEqualTo("node-b");
            assertThat(source.path("lagChanges").asLong()).isZero();
        }
    }

    @Test
    void writeOnTheBackup_isRefused_namingThePrimary() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            RegistryService b = pair.b().daemon().registry();
            assertThatThrownBy(() -> b.put("/x", Map.of("v", "1")))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_PRIMARY))
                    .hasMessageContaining("'node-b' is BACKUP")
                    .hasMessageContaining("the primary is 'node-a'");
            assertThat(b.get("/x")).isEmpty();
        }
    }

    @Test
    void backupAway_changesMadeMeanwhile_allArriveWhenItReturns() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            RegistryService a = pair.a().daemon().registry();
            for (int i = 0; i < 100; i++) {
                a.put("/apps/app" + i, Map.of("port", "" + (8000 + i)));
            }
            awaitSameTree(a, pair.b().daemon().registry());

            pair.b().stop();
            // While the backup is away: new keys, changed values, removed values and subtrees.
            for (int i = 100; i < 150; i++) {
                a.put("/apps/app" + i, Map.of("port", "" + (8000 + i)));
            }
            for (int i = 0; i < 20; i++) {
                a.put("/apps/app" + i, Map.of("port", "9" + i));
            }
            a.deleteKey("/apps/app30");
            a.deleteValue("/apps/app31", "port");

            pair.b().start();
            pair.b().awaitState(State.BACKUP);
            awaitSameTree(a, pair.b().daemon().registry());
            assertThat(pair.b().daemon().registry().get("/apps/app30")).isEmpty();
        }
    }

    @Test
    void backupHoldsKeysThePrimaryLacks_theyAreRemovedByTheComparison() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            RegistryService a = pair.a().daemon().registry();
            a.put("/keep", Map.of("v", "1"));
            a.put("/drop/me", Map.of("v", "2"));
            awaitSameTree(a, pair.b().daemon().registry());
            pair.b().stop();
            a.deleteKey("/drop");
            pair.b().start();
            pair.b().awaitState(State.BACKUP);
            awaitSameTree(a, pair.b().daemon().registry());
            assertThat(pair.b().daemon().registry().list("/")).containsExactly("keep");
        }
    }

    @Test
    void controlledSwitchover_underASteadyWriteLoad_losesNoAcknowledgedWrite() throws Exception {
        try (TestPair pair = TestPair.started(dir)) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            awaitSameTree(a.daemon().registry(), b.daemon().registry());
            await().atMost(SYNC).until(() -> a.daemon().registry().inSyncForMetrics());

            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong refused = new AtomicLong();
            Thread writer =
                    new Thread(
                            () -> {
                                // Writes go to whichever node is primary; a refused write is not
                                // acknowledged and is simply tried again.
                                for (int i = 0; !stop.get() && i < 100_000; i++) {
                                    String key = "/load/k" + i;
                                    String value = "v" + i;
                                    boolean done = false;
                                    for (int attempt = 0;
                                            !done && attempt < 200 && !stop.get();
                                            attempt++) {
                                        for (TestNode n : List.of(a, b)) {
                                            try {
                                                n.daemon().registry().put(key, Map.of("v", value));
                                                acknowledged.put(key, value);
                                                done = true;
                                                break;
                                            } catch (RegistryException e) {
                                                refused.incrementAndGet();
                                            }
                                        }
                                        if (!done) {
                                            java.util.concurrent.locks.LockSupport.parkNanos(
                                                    5_000_000);
                                        }
                                    }
                                }
                            },
                            "registry-load");
            writer.start();
            try {
                await("writes flowing").atMost(SYNC).until(() -> acknowledged.size() > 200);
                JsonNode answer = a.admin().post("switch").json();
                assertThat(answer.path("accepted").asBoolean()).as(answer.toString()).isTrue();
                b.awaitState(State.PRIMARY);
                a.awaitState(State.BACKUP);
                int atSwitch = acknowledged.size();
                await("writes flowing to the new primary")
                        .atMost(SYNC)
                        .until(() -> acknowledged.size() > atSwitch + 200);
            } finally {
                stop.set(true);
                writer.join(30_000);
            }
            RegistryService newPrimary = b.daemon().registry();
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertThat(newPrimary.get(e.getKey()).map(v -> v.get("v")))
                        .as("acknowledged write %s", e.getKey())
                        .contains(e.getValue());
            }
            // The old primary became backup without a restart and caught up.
            awaitSameTree(newPrimary, a.daemon().registry());
            assertThat(a.daemon().registry().status().get("keptAside"))
                    .as("a drained handover keeps nothing aside")
                    .isEqualTo(List.of());
        }
    }

    @Test
    void exPrimaryWithWritesTheBackupNeverSaw_returns_itsTreeIsKeptAsideThenBroughtInLine()
            throws Exception {
        // node-b's startup window is long (5 s), so at first it finds node-a primary; restarted
        // alone later, it promotes itself when the window ends.
        try (TestPair pair = TestPair.builder(dir).build()) {
            TestNode a = pair.a();
            TestNode b = pair.b();
            a.start();
            a.awaitState(State.PRIMARY);
            b.start();
            b.awaitState(State.BACKUP);
            a.daemon().registry().put("/shared", Map.of("v", "1"));
            awaitSameTree(a.daemon().registry(), b.daemon().registry());

            // node-b goes away; node-a acknowledges a write node-b never sees, then goes away.
            b.stop();
            a.daemon().registry().put("/only-on-a", Map.of("v", "lost?"));
            a.stop();
            // node-b comes back alone, becomes primary and writes.
            b.start();
            b.awaitState(State.PRIMARY);
            b.daemon().registry().put("/only-on-b", Map.of("v", "new"));
            // node-a returns as backup: its tree goes aside before it is brought in line.
            a.start();
            a.awaitState(State.BACKUP);
            awaitSameTree(b.daemon().registry(), a.daemon().registry());
            assertThat(a.daemon().registry().get("/only-on-a")).isEmpty();

            @SuppressWarnings("unchecked")
            List<String> kept = (List<String>) a.daemon().registry().status().get("keptAside");
            assertThat(kept).hasSize(1);
            String exported = Files.readString(Path.of(kept.get(0)));
            assertThat(exported).contains("\"key\":\"/only-on-a\"").contains("lost?");
            assertThat(exported.lines().findFirst().orElseThrow())
                    .contains("\"format\":\"switchover-registry\"");
            assertThat(a.events())
                    .anySatisfy(
                            e -> {
                                assertThat(e.path("type").asText()).isEqualTo("registry");
                                assertThat(e.path("what").asText()).isEqualTo("kept-aside");
                            });
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<KeyValues> tree(RegistryService r) throws RegistryException {
        List<KeyValues> out = new ArrayList<>();
        r.export("/", out::add);
        return out;
    }

    private static void awaitSameTree(RegistryService primary, RegistryService backup) {
        await("the backup's tree equals the primary's")
                .atMost(SYNC)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> tree(backup).equals(tree(primary)));
    }
}

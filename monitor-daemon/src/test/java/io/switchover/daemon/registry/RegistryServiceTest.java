package io.switchover.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchover.core.registry.Registry;
import io.switchover.core.registry.RegistryException;
import io.switchover.core.registry.RegistryLimits;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One registry service on its real MVStore store, without a peer: what it does alone as primary
 * (writes, switchover refusals, a drain with no backup) and when it loses a split brain.
 */
class RegistryServiceTest {
    @TempDir Path dir;

    private MvRegistryStore store;
    private RegistryService service;

    @BeforeEach
    void open() {
        store = MvRegistryStore.open(dir.resolve(MvRegistryStore.FILE_IN_DATA_DIRECTORY));
        service =
                new RegistryService(
                        new Registry(store, RegistryLimits.DEFAULT),
                        store,
                        "node-a",
                        "node-b",
                        3,
                        dir.resolve("registry/kept-aside"),
                        RegistryService.Settings.DEFAULT,
                        RegistryEvents.NONE,
                        Optional::empty);
    }

    @AfterEach
    void close() {
        service.close();
    }

    private void become(State from, State to, long generation) {
        service.onTransition(
                new Transition(
                        1,
                        from,
                        to,
                        Reason.of(Reason.Cause.PEER_NOT_CONTACTED, "test"),
                        generation,
                        0));
    }

    @Test
    void starting_refusesWrites_sayingNoPrimaryIsKnown() {
        assertThatThrownBy(() -> service.put("/a", Map.of("v", "1")))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_PRIMARY))
                .hasMessageContaining("'node-a' is STARTING")
                .hasMessageContaining("no primary is known");
    }

    @Test
    void primaryHandingOver_refusesWrites_untilResumed() throws Exception {
        become(State.STARTING, State.PRIMARY, 3);
        service.put("/a", Map.of("v", "1"));
        service.stopAcceptingWrites();
        assertThatThrownBy(() -> service.put("/a", Map.of("v", "2")))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE))
                .hasMessageContaining("handing over to 'node-b'");
        service.resumeAcceptingWrites();
        service.put("/a", Map.of("v", "3"));
        assertThat(service.get("/a")).get().isEqualTo(new java.util.TreeMap<>(Map.of("v", "3")));
    }

    @Test
    void drain_withNoBackupSession_reportsThatItCannotDrain() throws Exception {
        become(State.STARTING, State.PRIMARY, 3);
        service.put("/a", Map.of("v", "1"));
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        service.drain(drained::complete);
        assertThat(drained.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void splitBrainLost_theWholeTreeIsExportedAside_andStatusSaysWhere() throws Exception {
        become(State.STARTING, State.PRIMARY, 3);
        service.put("/site/a", Map.of("v", "written during the split"));
        service.put("/site/b", Map.of("w", "2"));
        service.keepAsideDivergentWrites(3, "two primaries met");
        await().atMost(Duration.ofSeconds(10)).until(() -> !keptAside().isEmpty());
        List<String> files = keptAside();
        assertThat(files).hasSize(1);
        assertThat(Path.of(files.get(0)).getFileName().toString()).startsWith("registry-gen3-");
        List<String> lines = Files.readAllLines(Path.of(files.get(0)));
        assertThat(lines.get(0))
                .contains("\"format\":\"switchover-registry\"")
                .contains("\"generation\":3")
                .contains("two primaries met");
        assertThat(lines.subList(1, lines.size()))
                .containsExactly(
                        "{\"key\":\"/site\",\"values\":{}}",
                        "{\"key\":\"/site/a\",\"values\":{\"v\":\"written during the split\"}}",
                        "{\"key\":\"/site/b\",\"values\":{\"w\":\"2\"}}");
        // Nothing is deleted: the tree is still here until a comparison brings it in line.
        assertThat(service.get("/site/a")).isPresent();
    }

    @SuppressWarnings("unchecked")
    private List<String> keptAside() {
        return (List<String>) service.status().get("keptAside");
    }
}

package io.switchover.daemon.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchover.core.mirror.DirectorySpec;
import io.switchover.core.mirror.FileEntry;
import io.switchover.core.mirror.MirrorCodec;
import io.switchover.core.mirror.MirrorOp;
import io.switchover.core.mirror.MirrorPath;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.notifier.session.ChunkSource;
import io.switchover.notifier.session.ConnectionKind;
import io.switchover.notifier.session.NodeStatus;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.PeerHandlers;
import io.switchover.notifier.transport.ConnectionListener;
import io.switchover.notifier.transport.NotifierServer;
import io.switchover.notifier.transport.NotifierSettings;
import io.switchover.notifier.transport.PeerClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's mirror against a hostile primary on the real notifier: the "primary" is a bare
 * notifier server that accepts the backup's subscription and then sends crafted steps and files
 * whose paths try to leave the mirrored directory: {@code ..}, absolute paths, a link on the backup
 * that leads outside, a link whose target leads outside, a subdirectory of a directory mirrored
 * without them. Every one is refused, counted as a security event, and nothing is written or
 * deleted outside the directory.
 */
class HostilePrimaryTest {
    private static final byte[] SECRET =
            "hostile-test-secret-0123456789abcd".getBytes(StandardCharsets.US_ASCII);
    private static final long SESSION = 42;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path root;
    private Path flat;
    private Path outside;
    private Path victim;
    private MirrorService backup;
    private final CompletableFuture<PeerConnection> primarySide = new CompletableFuture<>();

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

    private static NotifierSettings settings(String node) {
        return NotifierSettings.builder("hostile-test", node).sharedSecret(SECRET).build();
    }

    @BeforeEach
    void connect() throws Exception {
        root = Files.createDirectories(dir.resolve("mirrored"));
        flat = Files.createDirectories(dir.resolve("flat"));
        outside = Files.createDirectories(dir.resolve("outside"));
        victim = Files.writeString(outside.resolve("victim"), "must survive");
        // A link inside the mirrored directory that leads out of it.
        Files.createSymbolicLink(root.resolve("escape"), outside);

        PeerHandlers hostile = new PeerHandlers();
        hostile.request(
                MirrorCodec.SUBSCRIBE,
                (from, body) -> {
                    primarySide.complete(from);
                    return CompletableFuture.completedFuture(
                            new MirrorCodec.SubscribeReply("node-a", 1, SESSION).encode());
                });
        NotifierServer server =
                own(
                        new NotifierServer(
                                settings("node-a"),
                                hostile,
                                () -> new NodeStatus("PRIMARY", 1),
                                new ConnectionListener() {},
                                null));
        InetSocketAddress bound =
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

        PeerHandlers handlers = new PeerHandlers();
        PeerClient[] client = new PeerClient[1];
        DaemonConfig.Mirror config =
                new DaemonConfig.Mirror(
                        List.of(
                                new DirectorySpec(
                                        root.toString(),
                                        root.toString(),
                                        true,
                                        DirectorySpec.Mode.CONTINUOUS,
                                        List.of()),
                                new DirectorySpec(
                                        flat.toString(),
                                        flat.toString(),
                                        false,
                                        DirectorySpec.Mode.CONTINUOUS,
                                        List.of())),
                        Duration.ofMillis(20),
                        Duration.ofSeconds(1),
                        2);
        backup =
                own(
                        new MirrorService(
                                config,
                                "node-b",
                                1,
                                dir.resolve("data/mirror"),
                                Duration.ofSeconds(10),
                                MirrorEvents.NONE,
                                () -> client[0].connection(ConnectionKind.MAIN)));
        backup.register(handlers);
        client[0] =
                own(
                        new PeerClient(
                                settings("node-b"),
                                handlers,
                                () -> new NodeStatus("BACKUP", 1),
                                new ConnectionListener() {
                                    @Override
                                    public void established(PeerConnection c) {
                                        backup.connectionEstablished();
                                    }
                                },
                                null,
                                bound));
        backup.onTransition(
                new Transition(
                        1,
                        State.STARTING,
                        State.BACKUP,
                        Reason.of(Reason.Cause.PEER_NOT_CONTACTED, "test"),
                        1,
                        0));
        client[0].start();
    }

    /** The hostile side of the connection, once the backup took its subscription reply. */
    private PeerConnection primary() throws Exception {
        PeerConnection c = primarySide.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> "COMPARING".equals(backup.status().get("phase")));
        return c;
    }

    /**
     * {@code encoded} with the UTF-8 bytes of {@code from} replaced by {@code to} (same length).
     */
    private static byte[] patch(byte[] encoded, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertThat(t).hasSameSizeAs(f);
        outer:
        for (int i = 0; i + f.length <= encoded.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (encoded[i + j] != f[j]) {
                    continue outer;
                }
            }
            byte[] out = encoded.clone();
            System.arraycopy(t, 0, out, i, t.length);
            return out;
        }
        throw new AssertionError("'" + from + "' is not in the message");
    }

    private static FileEntry file(String path, int size) throws Exception {
        return FileEntry.file(MirrorPath.parse(path), size, 1_600_000_000_000_000_000L, 0644);
    }

    private Outcome<byte[]> sendFile(byte[] header, byte[] content) throws Exception {
        return primary().stream(
                        MirrorCodec.FILE, header, new BytesSource(content), Duration.ofSeconds(5))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private Outcome<byte[]> apply(byte[] body) throws Exception {
        return primary()
                .request(MirrorCodec.APPLY, body, Duration.ofSeconds(5))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void assertNothingOutside() throws Exception {
        assertThat(victim).hasContent("must survive");
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("victim");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .allMatch(n -> List.of("mirrored", "flat", "outside", "data").contains(n));
        }
    }

    @Test
    void filesWithEscapingPaths_areRefused_andNothingIsWrittenOutside() throws Exception {
        String id = root.toString();
        byte[] dotdot =
                patch(
                        new MirrorCodec.FileHeader(SESSION, id, file("aa/victim", 4)).encode(),
                        "aa/victim",
                        "../victim");
        byte[] absolute =
                patch(
                        new MirrorCodec.FileHeader(SESSION, id, file("xtmp/evil", 4)).encode(),
                        "xtmp/evil",
                        "/tmp/evil");
        byte[] throughLink =
                new MirrorCodec.FileHeader(SESSION, id, file("escape/victim", 4)).encode();
        byte[] deepInFlat =
                new MirrorCodec.FileHeader(SESSION, flat.toString(), file("sub/x", 4)).encode();
        byte[] unknownDirectory =
                new MirrorCodec.FileHeader(SESSION, outside.toString(), file("victim", 4)).encode();

        for (byte[] header : List.of(dotdot, absolute, throughLink, deepInFlat, unknownDirectory)) {
            Outcome<byte[]> o = sendFile(header, "evil".getBytes(StandardCharsets.US_ASCII));
            assertThat(o).isInstanceOf(Outcome.Rejected.class);
        }
        assertNothingOutside();
        assertThat(Path.of("/tmp/evil")).doesNotExist();
        await().atMost(WAIT).until(() -> backup.securityEvents() >= 4);
        var status = backup.status();
        assertThat(((Number) status.get("securityEvents")).longValue()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void stepsWithEscapingPathsOrLinkTargets_areRefused_andNothingOutsideChanges()
            throws Exception {
        String id = root.toString();
        FileEntry link = FileEntry.symlink(MirrorPath.parse("evil-link"), "/etc", 0);
        FileEntry climbing = FileEntry.symlink(MirrorPath.parse("climb"), "../outside/victim", 0);
        byte[] steps =
                new MirrorCodec.ApplyRequest(
                                SESSION,
                                id,
                                List.of(
                                        new MirrorOp.Delete(MirrorPath.parse("aa/victim")),
                                        new MirrorOp.Delete(MirrorPath.parse("escape/victim")),
                                        new MirrorOp.MakeDirectory(
                                                FileEntry.directory(
                                                        MirrorPath.parse("escape/made"), 0, 0755)),
                                        new MirrorOp.Link(link),
                                        new MirrorOp.Link(climbing),
                                        new MirrorOp.Delete(MirrorPath.parse("escape"))))
                        .encode();
        // The first delete's path becomes '../victim' on the wire: the whole request is refused.
        Outcome<byte[]> refused = apply(patch(steps, "aa/victim", "../victim"));
        assertThat(refused).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected<byte[]>) refused).reason()).contains("..");

        Outcome<byte[]> o = apply(steps);
        assertThat(o).isInstanceOf(Outcome.Success.class);
        var reply = MirrorCodec.ApplyReply.decode(((Outcome.Success<byte[]>) o).value());
        // Deleting 'aa/victim' (missing inside the root) is harmless; everything through or to
        // the outside is refused. Deleting the link itself removes the link, not what it points to.
        assertThat(reply.failures())
                .extracting(MirrorCodec.Failure::index)
                .containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(reply.failures())
                .allSatisfy(
                        f ->
                                assertThat(f.kind())
                                        .isEqualTo(
                                                io.switchover.core.mirror.MirrorException.Kind
                                                        .UNSAFE));
        assertNothingOutside();
        assertThat(root.resolve("evil-link")).doesNotExist();
        assertThat(root.resolve("climb")).doesNotExist();
        assertThat(Files.exists(root.resolve("escape"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isFalse();
        await().atMost(WAIT).until(() -> backup.securityEvents() >= 5);
    }

    @Test
    void listingOutsideTheDirectory_isRefused() throws Exception {
        byte[] list =
                new MirrorCodec.ListRequest(
                                SESSION,
                                root.toString(),
                                MirrorPath.parse("aa"),
                                true,
                                List.of(),
                                MirrorPath.ROOT,
                                100)
                        .encode();
        Outcome<byte[]> o =
                primary()
                        .request(MirrorCodec.LIST, patch(list, "aa", ".."), Duration.ofSeconds(5))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(o).isInstanceOf(Outcome.Rejected.class);
        Outcome<byte[]> throughLink =
                primary()
                        .request(
                                MirrorCodec.LIST,
                                new MirrorCodec.ListRequest(
                                                SESSION,
                                                root.toString(),
                                                MirrorPath.parse("escape"),
                                                true,
                                                List.of(),
                                                MirrorPath.ROOT,
                                                100)
                                        .encode(),
                                Duration.ofSeconds(5))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // Listing under a link lists nothing: links are never followed.
        assertThat(throughLink).isInstanceOf(Outcome.Success.class);
        assertThat(
                        MirrorCodec.ListReply.decode(
                                        ((Outcome.Success<byte[]>) throughLink).value())
                                .entries())
                .isEmpty();
    }

    /** A stream source of fixed bytes. */
    private static final class BytesSource implements ChunkSource {
        private final byte[] bytes;
        private boolean sent;

        BytesSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public CompletionStage<ByteBuf> next(ByteBufAllocator alloc, int maxBytes) {
            if (sent) {
                return CompletableFuture.completedFuture(null);
            }
            sent = true;
            return CompletableFuture.completedFuture(alloc.buffer().writeBytes(bytes));
        }
    }
}

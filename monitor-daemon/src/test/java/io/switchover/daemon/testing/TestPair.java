package io.switchover.daemon.testing;

import io.switchover.core.state.State;
import io.switchover.daemon.hooks.HookEvent;
import io.switchover.daemon.hooks.HookRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Two real daemons in this JVM, {@code node-a} and {@code node-b}, paired on loopback: their
 * configuration files, a shared secret, and the ports the daemons check, all in one directory (a
 * {@code @TempDir}).
 *
 * <pre>
 *   dir/secret              the pair's shared secret
 *   dir/node-a.yaml         node-a's configuration (see {@link NodeYaml})
 *   dir/node-a/data/        node-a's data directory (admin.token, events.jsonl, ...)
 *   dir/node-a/hooks.log    what the recording hook saw, with {@link Builder#recordHooks()}
 *   ... and the same for node-b
 * </pre>
 *
 * Each node's module is an {@link AnsweringPort} of its own; the peer's host, as both nodes probe
 * it (TCP), is one more that stays open, so a diagnosis finds the host up and blames the daemon or
 * the module. {@link #close()} stops both daemons and every port, whatever state the test left them
 * in; use it in try-with-resources.
 */
public final class TestPair implements AutoCloseable {
    /** The release both daemons announce unless a node's {@code node.release} says otherwise. */
    public static final String RELEASE = "1.0.0";

    /** 32 bytes and a newline: a valid shared secret. */
    private static final String SECRET = "test-pair-secret-0123456789abcdef\n";

    private final AnsweringPort peerHost;
    private final TestNode a;
    private final TestNode b;

    private TestPair(AnsweringPort peerHost, TestNode a, TestNode b) {
        this.peerHost = peerHost;
        this.a = a;
        this.b = b;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** A pair with the defaults, started: node-a PRIMARY, node-b watching it as BACKUP. */
    public static TestPair started(Path dir) throws Exception {
        return builder(dir).build().start();
    }

    /**
     * Starts node-a, waits until it is PRIMARY (its startup window finds no peer), then starts
     * node-b and waits until it is a backup (one that watches node-a, if of the same release). One
     * after the other, so which node is primary does not depend on the tie-break. If the pair does
     * not get there, it is closed before the failure is thrown: the caller's try-with-resources
     * never received it.
     */
    public TestPair start() throws Exception {
        try {
            a.start();
            a.awaitState(State.PRIMARY);
            b.start();
            b.awaitState(State.BACKUP, State.UPGRADE_HIGHER, State.UPGRADE_LOWER);
            if (b.state() == State.BACKUP) {
                // Only a same-release backup monitors its primary (the upgrade states do not ping).
                b.awaitWatching();
            }
            return this;
        } catch (Throwable failure) {
            try {
                close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }
    }

    public TestNode a() {
        return a;
    }

    public TestNode b() {
        return b;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = List.of(b, a, a.module(), b.module(), peerHost);
        RuntimeException failure = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the test pair failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Writes the pair's files; nothing runs until {@link TestPair#start()}. */
    public static final class Builder {
        private final Path dir;
        private final List<Consumer<NodeYaml>> forA = new ArrayList<>();
        private final List<Consumer<NodeYaml>> forB = new ArrayList<>();
        private boolean recordHooks;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Changes node-a's configuration, e.g. {@code a(y -> y.release("2.0.0"))}. */
        public Builder a(Consumer<NodeYaml> change) {
            forA.add(change);
            return this;
        }

        /** Changes node-b's configuration. */
        public Builder b(Consumer<NodeYaml> change) {
            forB.add(change);
            return this;
        }

        /**
         * Every hook of both nodes runs a script that appends its environment to the node's {@code
         * hooks.log}; {@link TestNode#hookRuns()} reads it back.
         */
        public Builder recordHooks() {
            recordHooks = true;
            return this;
        }

        public TestPair build() throws IOException {
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                AnsweringPort peerHost = own(opened, new AnsweringPort());
                AnsweringPort moduleA = own(opened, new AnsweringPort());
                AnsweringPort moduleB = own(opened, new AnsweringPort());
                int notifierA = freePort();
                int notifierB = freePort();
                // node-a's window is short: it becomes primary alone, and the tests wait for that.
                // node-b's is long: it finds node-a primary within milliseconds, and a slow machine
                // must not make it promote itself first.
                NodeYaml a =
                        new NodeYaml("node-a", "node-b")
                                .tieBreak(0)
                                .startupWindow("500ms")
                                .ports(notifierA, notifierB, freePort())
                                .moduleTarget(moduleA.hostPort())
                                .peerHostProbe(peerHost.hostPort());
                NodeYaml b =
                        new NodeYaml("node-b", "node-a")
                                .tieBreak(1)
                                .startupWindow("5s")
                                .ports(notifierB, notifierA, freePort())
                                .moduleTarget(moduleB.hostPort())
                                .peerHostProbe(peerHost.hostPort());
                Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.US_ASCII);
                TestNode nodeA = node(a, moduleA, forA);
                TestNode nodeB = node(b, moduleB, forB);
                return new TestPair(peerHost, nodeA, nodeB);
            } catch (IOException | RuntimeException e) {
                for (AutoCloseable c : opened) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private TestNode node(NodeYaml yaml, AnsweringPort module, List<Consumer<NodeYaml>> changes)
                throws IOException {
            Path file = dir.resolve(yaml.id() + ".yaml");
            TestNode node = new TestNode(yaml, file, module);
            Files.createDirectories(node.home());
            if (recordHooks) {
                Path script =
                        executable(node.home().resolve("record-hook"), node.recordingHookBody());
                for (HookRole role : HookRole.values()) {
                    for (HookEvent event : HookEvent.values()) {
                        yaml.hook(event, role, script);
                    }
                }
            }
            changes.forEach(c -> c.accept(yaml));
            Files.writeString(file, yaml.text(), StandardCharsets.UTF_8);
            return node;
        }

        private static AnsweringPort own(List<AutoCloseable> opened, AnsweringPort port) {
            opened.add(port);
            return port;
        }
    }

    /** An executable {@code /bin/sh} script. */
    public static Path executable(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * A loopback port nothing listens on right now: the kernel's choice for port 0, released at
     * once for a daemon to bind.
     */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

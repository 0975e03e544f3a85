package io.switchover.daemon.mirror;

import io.switchover.daemon.testing.TestPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An rsync daemon on 127.0.0.1 with one writable module, {@code bench}, and the client runs that
 * push a tree into it: {@link MirrorBench}'s yardstick. The daemon is a child of this JVM and is
 * stopped by {@link #close()} (its pid, then its own children), never left behind.
 */
final class RsyncDaemon implements AutoCloseable {
    static final Path RSYNC = Path.of("/usr/bin/rsync");

    private static final Duration READY = Duration.ofSeconds(10);
    private static final Duration STOP = Duration.ofSeconds(5);
    private static final Pattern FILES_TRANSFERRED =
            Pattern.compile("Number of regular files transferred: ([\\d,.]+)");
    private static final Pattern BYTES_SENT = Pattern.compile("Total bytes sent: ([\\d,.]+)");

    private final Process process;
    private final int port;
    private final Path work;

    private RsyncDaemon(Process process, int port, Path work) {
        this.process = process;
        this.port = port;
        this.work = work;
    }

    /** Whether rsync is installed where the bench expects it. */
    static boolean installed() {
        return Files.isExecutable(RSYNC);
    }

    /** The first line of {@code rsync --version}. */
    static String version() throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(RSYNC.toString(), "--version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(READY.toSeconds(), TimeUnit.SECONDS);
        return first.lines().findFirst().orElse("rsync (unknown version)").trim();
    }

    /**
     * Starts a daemon serving {@code dest} (created) as module {@code bench}, its configuration and
     * log in {@code work}, and waits until it accepts connections.
     */
    static RsyncDaemon start(Path work, Path dest) throws IOException, InterruptedException {
        Files.createDirectories(dest);
        Path conf = work.resolve("rsyncd.conf");
        Path log = work.resolve("rsyncd.log");
        List<String> lines = new ArrayList<>();
        lines.add("log file = " + log);
        lines.add("use chroot = false");
        if ("root".equals(System.getProperty("user.name"))) {
            lines.add("uid = root");
            lines.add("gid = root");
        }
        lines.add("[bench]");
        lines.add("path = " + dest);
        lines.add("read only = false");
        // Without chroot rsync would otherwise rewrite links; the tree has none, but a copy is
        // meant to be exact.
        lines.add("munge symlinks = false");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        int port = TestPair.freePort();
        Process p =
                new ProcessBuilder(
                                RSYNC.toString(),
                                "--daemon",
                                "--no-detach",
                                "--config=" + conf,
                                "--port=" + port,
                                "--address=127.0.0.1")
                        .redirectErrorStream(true)
                        .redirectOutput(work.resolve("rsyncd.out").toFile())
                        .start();
        RsyncDaemon daemon = new RsyncDaemon(p, port, work);
        try {
            daemon.awaitListening();
        } catch (IOException | InterruptedException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(
                        "rsync daemon exited with " + process.exitValue() + ": " + logs());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "rsync daemon not listening on 127.0.0.1:" + port + " after " + READY);
                }
                Thread.sleep(20);
            }
        }
    }

    /** What one client run did, from its own {@code --stats}. */
    record Push(long nanos, long filesTransferred, long bytesSent) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * Runs {@code rsync -a --stats src/ rsync://127.0.0.1:port/bench/} (plus {@code --fsync} if
     * asked) and times it from start to exit.
     *
     * @throws IOException if it fails or takes longer than {@code bound}
     */
    Push push(Path src, boolean fsync, Duration bound) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(RSYNC.toString(), "-a", "--stats"));
        if (fsync) {
            cmd.add("--fsync");
        }
        cmd.add(src + "/");
        cmd.add("rsync://127.0.0.1:" + port + "/bench/");
        Path out = work.resolve("rsync-client.out");
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        // The C locale keeps --stats free of locale-specific digit grouping.
        pb.environment().put("LC_ALL", "C");
        long t0 = System.nanoTime();
        Process p = pb.start();
        long nanos;
        try {
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("rsync client still running after " + bound);
            }
            nanos = System.nanoTime() - t0;
        } finally {
            p.destroyForcibly();
        }
        String stats = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new IOException("rsync client exited with " + p.exitValue() + ":\n" + stats);
        }
        return new Push(nanos, number(FILES_TRANSFERRED, stats), number(BYTES_SENT, stats));
    }

    private static long number(Pattern p, String stats) throws IOException {
        Matcher m = p.matcher(stats);
        if (!m.find()) {
            throw new IOException("no '" + p.pattern() + "' in rsync's --stats:\n" + stats);
        }
        return Long.parseLong(m.group(1).replaceAll("[,.]", ""));
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("rsyncd.out", "rsyncd.log")) {
            try {
                b.append(Files.readString(work.resolve(name)));
            } catch (IOException missing) {
                // Nothing written there.
            }
        }
        return b.toString().strip();
    }

    /** Stops the daemon (TERM, then KILL after a few seconds) and any child it forked. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            System.out.println("rsync daemon pid " + process.pid() + " did not stop");
        }
    }
}

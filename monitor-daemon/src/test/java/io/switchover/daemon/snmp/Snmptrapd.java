package io.switchover.daemon.snmp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Net-SNMP {@code snmptrapd} for one test: on a free UDP port of 127.0.0.1, in the
 * foreground, with a configuration the test writes (no system file is read), its state in the
 * test's directory, SWITCHOVER-MIB loaded so it prints names, and every trap it accepts in a log
 * file the test reads. It logs nothing for a trap it rejects.
 */
final class Snmptrapd implements AutoCloseable {

    /** The longest a test waits for snmptrapd to start or a trap to show up in its log. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final int port;

    private Snmptrapd(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts snmptrapd with {@code conf} as its only configuration (e.g. {@code authCommunity log
     * public}) and waits until it listens.
     */
    static Snmptrapd start(Path dir, List<String> conf) throws IOException {
        Files.createDirectories(dir);
        Path confFile = dir.resolve("snmptrapd.conf");
        Files.write(confFile, conf, StandardCharsets.UTF_8);
        Path state = Files.createDirectories(dir.resolve("state"));
        Path log = dir.resolve("snmptrapd.log");
        int port = freeUdpPort();
        List<String> command = new ArrayList<>();
        command.add(NetSnmp.tool("snmptrapd").orElseThrow().toString());
        command.addAll(
                List.of(
                        "-f", // foreground
                        "-C", // no default configuration files
                        "-c",
                        confFile.toString(),
                        "-n", // no DNS
                        "-X", // not an AgentX subagent of a local snmpd
                        "-Lf",
                        log.toString(),
                        "-M",
                        NetSnmp.mibPath(),
                        "-m",
                        "SNMPv2-MIB:SWITCHOVER-MIB",
                        "udp:127.0.0.1:" + port));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SNMP_PERSISTENT_DIR", state.toString());
        pb.environment().put("SNMPCONFPATH", state.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("snmptrapd.out").toFile());
        Snmptrapd trapd = new Snmptrapd(pb.start(), log, port);
        try {
            await("snmptrapd listening on udp:127.0.0.1:" + port)
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> trapd.log().contains("NET-SNMP version") || !trapd.alive());
            if (!trapd.alive()) {
                throw new IllegalStateException(
                        "snmptrapd exited at start: "
                                + trapd.log()
                                + Files.readString(dir.resolve("snmptrapd.out")));
            }
        } catch (RuntimeException e) {
            trapd.close();
            throw e;
        }
        return trapd;
    }

    int port() {
        return port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything logged so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log holds {@code text}, and returns the log. */
    String awaitLogged(String text) {
        await("snmptrapd logging " + text)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> log().contains(text));
        return log();
    }

    /**
     * The traps logged so far, one string each: the variable bindings of the line after each "UDP:
     * [...]" header, separated by tabs as snmptrapd writes them.
     */
    List<String> traps() {
        List<String> traps = new ArrayList<>();
        String[] lines = log().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].contains(" UDP: [") && lines[i].endsWith("]:")) {
                traps.add(lines[i + 1]);
            }
        }
        return traps;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freeUdpPort() {
        try (DatagramSocket s =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.switchover.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Distribution;
import io.switchover.it.bed.Event;
import io.switchover.it.bed.Poll;
import io.switchover.it.bed.TestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The bed's pair as the bench drives it: both nodes configured with a {@link BenchProfile} and a
 * {@code command} module check (up while the node's flag file is absent), so that any of the five
 * takeover faults can be applied to whichever node is primary at the time; the faults themselves,
 * their removal, and the re-arming of the pair after a takeover (the old primary restarted, joining
 * as backup of the new one).
 *
 * <p>A node's history file survives its restarts, so everything here reads events from an index
 * taken before the step it waits for, never the node's "current" state.
 */
final class BenchPair implements AutoCloseable {
    private final TestBed bed;
    private final BenchProfile profile;
    private final Map<BedNode, Path> flags = new LinkedHashMap<>();

    private BenchPair(TestBed bed, BenchProfile profile) {
        this.bed = bed;
        this.profile = profile;
    }

    /** Builds the bed (namespaces, both configurations rewritten for the profile); nothing runs. */
    static BenchPair create(Path dir, BenchProfile profile) throws IOException {
        TestBed bed = TestBed.create(dir, Distribution.locate(), profile.bedProfile());
        BenchPair pair = new BenchPair(bed, profile);
        try {
            pair.configure(bed.a(), 0, bed.b());
            pair.configure(bed.b(), 1, bed.a());
            return pair;
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    BedNode a() {
        return bed.a();
    }

    BedNode b() {
        return bed.b();
    }

    BedNode peerOf(BedNode node) {
        return node == bed.a() ? bed.b() : bed.a();
    }

    BenchProfile profile() {
        return profile;
    }

    private void configure(BedNode node, int rank, BedNode peer) throws IOException {
        Path flag = node.dir().resolve("module-down");
        Path check = node.dir().resolve("module-check.sh");
        Files.createDirectories(node.dir());
        Files.writeString(check, "#!/bin/sh\n[ ! -e '" + flag + "' ]\n");
        Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwx------"));
        flags.put(node, flag);

        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("node.id", node.id());
        keys.put("node.tie-break-rank", Integer.toString(rank));
        keys.put("node.data-dir", "data");
        keys.put("peer.id", peer.id());
        keys.put("peer.host", peer.address());
        keys.put("peer.notifier-port", Integer.toString(BedNode.NOTIFIER_PORT));
        keys.put("notifier.listen", node.address() + ":" + BedNode.NOTIFIER_PORT);
        keys.put("notifier.secret-file", node.dir().getParent().resolve("secret").toString());
        keys.put("module.name", "it-app");
        keys.put("nettest.addresses", "[" + gatewayAddress() + "]");
        keys.put("probe.mode", "icmp");
        keys.put("admin.listen", "127.0.0.1:" + BedNode.ADMIN_PORT);
        keys.put("logging.dir", "data/log");
        keys.putAll(profile.keys());

        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        keys.forEach(
                (key, value) -> {
                    int dot = key.indexOf('.');
                    sections.computeIfAbsent(key.substring(0, dot), s -> new StringBuilder())
                            .append("  ")
                            .append(key.substring(dot + 1))
                            .append(": ")
                            .append(value)
                            .append('\n');
                });
        sections.get("module")
                .append("  check:\n    type: command\n    command: [")
                .append(check)
                .append("]\n");
        StringBuilder yaml =
                new StringBuilder("# written by the src-it bench (" + profile.name() + ")\n");
        yaml.append("cluster: it\n");
        sections.forEach((s, body) -> yaml.append(s).append(":\n").append(body));
        Files.writeString(node.dir().resolve(node.id() + ".yaml"), yaml.toString());
    }

    private static String gatewayAddress() {
        return "10.213.7.1";
    }

    /** node-a primary on its own, node-b its backup, armed (the bed's own start). */
    void startPair() throws IOException {
        bed.startPair();
    }

    // ---- faults -------------------------------------------------------------------------------

    void kill9(BedNode node) {
        node.kill9();
    }

    void sigstop(BedNode node) {
        node.sigstop();
    }

    void linkDown(BedNode node) {
        bed.linkDown(node);
    }

    /**
     * The bed's scenario 4 fault (TCP to and from the notifier port dropped in the node's
     * namespace, both directions; ICMP passes), as one {@code iptables-restore --noflush}: the four
     * rules take effect together, so the fault instant taken after it is not later than the fault.
     */
    void blockNotifierPorts(BedNode node) throws IOException {
        String port = Integer.toString(BedNode.NOTIFIER_PORT);
        StringBuilder rules = new StringBuilder("*filter\n");
        for (String chain : List.of("INPUT", "OUTPUT")) {
            for (String dir : List.of("--dport", "--sport")) {
                rules.append("-A %s -p tcp %s %s -j DROP\n".formatted(chain, dir, port));
            }
        }
        rules.append("COMMIT\n");
        Path file = node.dir().resolve("block-notifier.rules");
        Files.writeString(file, rules);
        Cmd.run(
                "ip",
                "netns",
                "exec",
                node.namespace(),
                "iptables-restore",
                "-w",
                "5",
                "--noflush",
                file.toString());
    }

    void moduleDown(BedNode node) throws IOException {
        Files.createFile(flags.get(node));
    }

    /** Undoes every fault the bench can put on {@code node} (what was not applied is harmless). */
    void clearFaults(BedNode node) throws IOException {
        if (node.isRunning()) {
            Cmd.tryRun(Duration.ofSeconds(5), List.of("kill", "-CONT", Long.toString(node.pid())));
        }
        String gw = node.namespace().replaceFirst("^so-it-[ab]-", "so-it-gw-");
        Cmd.run("ip", "-n", gw, "link", "set", node == bed.a() ? "va" : "vb", "up");
        Cmd.run("ip", "netns", "exec", node.namespace(), "iptables", "-w", "5", "-F");
        Files.deleteIfExists(flags.get(node));
    }

    // ---- reading the histories ----------------------------------------------------------------

    /**
     * The first event of {@code node} from index {@code from} on that matches, within the deadline.
     */
    static Optional<Event> awaitEvent(
            BedNode node, int from, Predicate<Event> match, Duration deadline) {
        return Poll.until(
                deadline, () -> eventsFrom(node, from).stream().filter(match).findFirst());
    }

    static List<Event> eventsFrom(BedNode node, int from) {
        List<Event> all = node.events();
        return from >= all.size() ? List.of() : all.subList(from, all.size());
    }

    /**
     * Restarts {@code node} (killed first if it still runs, its faults removed) and waits until it
     * is the armed backup of its peer: BACKUP in its history, then both connections up and a ping
     * answered in its live status. Returns the PRIMARY transition if it became primary instead (a
     * false takeover), or throws when it did not arm in time.
     */
    Optional<Event> restartAsBackup(BedNode node) throws IOException {
        clearFaults(node);
        node.kill9();
        int from = node.events().size();
        node.start();
        Duration boot = profile.startupWindow().plusSeconds(30);
        Event joined =
                awaitEvent(
                                node,
                                from,
                                e -> e.isTransitionTo("BACKUP") || e.isTransitionTo("PRIMARY"),
                                boot)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                node.id()
                                                        + " did not join within "
                                                        + boot
                                                        + "; events: "
                                                        + eventsFrom(node, from)
                                                        + "\n"
                                                        + node.logTail(20)));
        if (joined.isTransitionTo("PRIMARY")) {
            return Optional.of(joined);
        }
        awaitArmed(node);
        return Optional.empty();
    }

    /**
     * Brings a node that is still running back as the armed backup of its peer, once its fault is
     * removed: it steps down to FAILED (it learns the peer took over), {@code switchoverctl rejoin}
     * makes it BACKUP, then armed. Its JVM stays warm. Returns its PRIMARY transition if it became
     * primary again instead (a false takeover).
     */
    Optional<Event> rejoinAsBackup(BedNode node, int from) throws IOException {
        clearFaults(node);
        Duration settle = profile.takeoverBound().multipliedBy(3).plusSeconds(10);
        Event failed =
                awaitEvent(
                                node,
                                from,
                                e -> e.isTransitionTo("FAILED") || e.isTransitionTo("PRIMARY"),
                                settle)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                node.id()
                                                        + " did not step down within "
                                                        + settle
                                                        + "; events: "
                                                        + eventsFrom(node, from)));
        if (failed.isTransitionTo("PRIMARY")) {
            return Optional.of(failed);
        }
        int rejoinFrom = node.events().size();
        node.ctl("rejoin");
        Event back =
                awaitEvent(
                                node,
                                rejoinFrom,
                                e -> e.isTransitionTo("BACKUP") || e.isTransitionTo("PRIMARY"),
                                Duration.ofSeconds(30))
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                node.id()
                                                        + " did not rejoin; events: "
                                                        + eventsFrom(node, rejoinFrom)));
        if (back.isTransitionTo("PRIMARY")) {
            return Optional.of(back);
        }
        awaitArmed(node);
        return Optional.empty();
    }

    /** Both connections up and a routine ping answered, per the live status. */
    void awaitArmed(BedNode backup) {
        Poll.until(
                        Duration.ofSeconds(60),
                        () -> {
                            try {
                                JsonNode s = backup.status();
                                return Optional.of(s)
                                        .filter(
                                                x ->
                                                        "up"
                                                                .equals(
                                                                        x.at("/connections/main")
                                                                                .asText()))
                                        .filter(x -> "up".equals(x.at("/connections/aux").asText()))
                                        .filter(
                                                x ->
                                                        "SUCCESS"
                                                                .equals(
                                                                        x.at("/pings/main/outcome")
                                                                                .asText()));
                            } catch (IllegalStateException notYet) {
                                return Optional.empty();
                            }
                        })
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        backup.id()
                                                + "'s connections never came up\n"
                                                + backup.logTail(20)));
    }

    /**
     * Starts over after a failed run: both daemons killed and cleared, {@code primary} started
     * alone (fail-safe PRIMARY), then its peer as armed backup.
     */
    void reboot(BedNode primary) throws IOException {
        BedNode backup = peerOf(primary);
        for (BedNode n : List.of(primary, backup)) {
            clearFaults(n);
            n.kill9();
        }
        int from = primary.events().size();
        primary.start();
        Duration boot = profile.startupWindow().plusSeconds(30);
        awaitEvent(primary, from, e -> e.isTransitionTo("PRIMARY"), boot)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        primary.id()
                                                + " did not become primary on reboot\n"
                                                + primary.logTail(20)));
        Optional<Event> wrong = restartAsBackup(backup);
        if (wrong.isPresent()) {
            throw new IllegalStateException(
                    backup.id() + " became PRIMARY next to a primary on reboot: " + wrong.get());
        }
    }

    /** Kills both daemons and removes the namespaces (the bed's cleanup). */
    @Override
    public void close() {
        bed.close();
    }
}

package io.switchover.it.bench;

import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Event;
import io.switchover.it.bed.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The healthy soak of issue 7: a healthy pair in the fast profile for {@code bench.soakMinutes} (10
 * by default) while both test hosts run a CPU-saturating load ({@link Spin}, one busy thread per
 * core by default, started inside each node's namespace and bounded in time). Nothing is broken, so
 * every state change is a false alarm and a PRIMARY transition of the backup is a false takeover;
 * both are counted and listed. At the end it prints the backup's notifier ping round trips under
 * load (from the daemon's own {@code switchover_ping_rtt_seconds} histogram, the soak's share only)
 * and its ping outcomes.
 *
 * <p>Run: {@code mvn -B -q -ntp -pl src-it test-compile exec:exec@healthy-soak
 * -Dbench.soakMinutes=10} (as root). {@code bench.loadThreads} sets the busy threads per node (0:
 * one per core).
 */
public final class HealthySoak {
    private static final Pattern SAMPLE =
            Pattern.compile("^(\\w+)\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);

    private HealthySoak() {}

    public static void main(String[] args) throws Exception {
        int minutes = TakeoverBench.intProperty("bench.soakMinutes", 10, 1, 24 * 60);
        int threads = TakeoverBench.intProperty("bench.loadThreads", 0, 0, 64);
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        BenchProfile profile = BenchProfile.of(System.getProperty("bench.profile", "fast"));
        Duration soak = Duration.ofMinutes(minutes);
        Path dir = Files.createTempDirectory("so-soak-");
        System.out.printf(
                "[healthy-soak] %s; %d min; load: %d busy thread(s) per node; %d cpus; bed %s%n",
                profile.describe(),
                minutes,
                threads,
                Runtime.getRuntime().availableProcessors(),
                dir);
        List<Process> load = new ArrayList<>();
        try (BenchPair pair = BenchPair.create(dir, profile)) {
            pair.startPair();
            BedNode primary = pair.a();
            BedNode backup = pair.b();
            Map<String, Double> before = metrics(backup);
            int fromA = primary.events().size();
            int fromB = backup.events().size();

            long spinSeconds = soak.plusSeconds(60).toSeconds();
            for (BedNode node : List.of(primary, backup)) {
                load.add(spin(node, threads, spinSeconds, dir));
            }
            Instant start = Instant.now();
            double loadAvgStart = loadAverage();
            List<Double> loadAvgs = new ArrayList<>();
            Instant end = start.plus(soak);
            Instant nextReport = start.plusSeconds(60);
            while (Instant.now().isBefore(end)) {
                Poll.until(Duration.ofSeconds(5), Optional::empty);
                loadAvgs.add(loadAverage());
                for (Process p : load) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(
                                "a load process ended early (exit " + p.exitValue() + ")");
                    }
                }
                if (Instant.now().isAfter(nextReport)) {
                    nextReport = nextReport.plusSeconds(60);
                    System.out.printf(
                            "[healthy-soak] %d s: node-a %s, node-b %s; state changes so far %d;"
                                    + " load average %.1f%n",
                            Duration.between(start, Instant.now()).toSeconds(),
                            primary.state(),
                            backup.state(),
                            transitions(primary, fromA).size() + transitions(backup, fromB).size(),
                            loadAverage());
                }
            }
            Duration ran = Duration.between(start, Instant.now());
            long cpuMillis = 0;
            for (Process p : load) {
                cpuMillis +=
                        p.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
            }
            stop(load);
            Map<String, Double> after = metrics(backup);

            List<Event> changes = new ArrayList<>(transitions(primary, fromA));
            changes.addAll(transitions(backup, fromB));
            List<Event> falseTakeovers =
                    changes.stream().filter(e -> e.isTransitionTo("PRIMARY")).toList();
            List<Event> notices = new ArrayList<>(notices(primary, fromA));
            notices.addAll(notices(backup, fromB));

            System.out.println();
            System.out.printf(
                    "[healthy-soak] ran %d s under load: the load processes used %.2f cpus on"
                            + " average; load average %.1f at the start, %.1f mean, %.1f max%n",
                    ran.toSeconds(),
                    cpuMillis / (double) ran.toMillis(),
                    loadAvgStart,
                    loadAvgs.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                    loadAvgs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            System.out.println("[healthy-soak] state changes: " + changes.size());
            changes.forEach(e -> System.out.println("  " + e));
            System.out.println("[healthy-soak] false takeovers: " + falseTakeovers.size());
            System.out.println("[healthy-soak] notices: " + notices.size());
            notices.forEach(e -> System.out.println("  " + e));
            System.out.printf(
                    "[healthy-soak] node-a %s, node-b %s at the end%n",
                    primary.state(), backup.state());
            printPings(before, after);
        } finally {
            stop(load);
        }
        System.exit(0);
    }

    private static List<Event> transitions(BedNode node, int from) {
        return BenchPair.eventsFrom(node, from).stream()
                .filter(e -> "transition".equals(e.type()))
                .toList();
    }

    private static List<Event> notices(BedNode node, int from) {
        return BenchPair.eventsFrom(node, from).stream()
                .filter(e -> "notice".equals(e.type()))
                .toList();
    }

    /** {@code ip netns exec NS java -cp <bench classes> Spin THREADS SECONDS}: its JVM's pid. */
    private static Process spin(BedNode node, int threads, long seconds, Path dir)
            throws IOException {
        return new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        node.namespace(),
                        Cmd.java(),
                        "-Xmx32m",
                        "-cp",
                        Cmd.benchClasses(),
                        Spin.class.getName(),
                        Integer.toString(threads),
                        Long.toString(seconds))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(node.id() + "-spin.out").toFile())
                .start();
    }

    /** Kills the load processes by pid (SIGKILL) and waits for them. */
    private static void stop(List<Process> load) throws InterruptedException {
        for (Process p : load) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The node's Prometheus samples, {@code name{labels}} -> value, scraped inside its namespace.
     */
    private static Map<String, Double> metrics(BedNode node) {
        Cmd.Result r =
                Cmd.tryRun(
                        Duration.ofSeconds(30),
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                node.namespace(),
                                Cmd.java(),
                                "-Xmx32m",
                                "-cp",
                                Cmd.benchClasses(),
                                Scrape.class.getName(),
                                "http://127.0.0.1:" + BedNode.ADMIN_PORT + "/metrics",
                                node.adminToken().toString()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("metrics of " + node.id() + ": " + r.output());
        }
        Map<String, Double> samples = new TreeMap<>();
        Matcher m = SAMPLE.matcher(r.output());
        while (m.find()) {
            try {
                samples.put(m.group(1) + "{" + m.group(2) + "}", Double.parseDouble(m.group(3)));
            } catch (NumberFormatException ignored) {
                // NaN and the like
            }
        }
        return samples;
    }

    /** The backup's main-connection ping round trips during the soak, from the histogram's diff. */
    private static void printPings(Map<String, Double> before, Map<String, Double> after) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        after.forEach(
                (key, value) -> {
                    if (key.startsWith("switchover_ping_rtt_seconds_bucket{")
                            && key.contains("connection=\"main\"")) {
                        Matcher m = le.matcher(key);
                        if (m.find() && !m.group(1).equals("+Inf")) {
                            buckets.put(
                                    Double.parseDouble(m.group(1)),
                                    value - before.getOrDefault(key, 0.0));
                        }
                    }
                });
        double total = delta(before, after, "switchover_ping_rtt_seconds_count{", "main");
        System.out.printf(
                "[healthy-soak] backup's notifier pings over main during the soak: %.0f answered"
                        + "%n",
                total);
        if (total > 0) {
            for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
                System.out.printf(
                        "  p%s <= %s%n",
                        q * 100 == Math.floor(q * 100)
                                ? Long.toString(Math.round(q * 100))
                                : Double.toString(q * 100),
                        bound(buckets, q * total));
            }
            Double max =
                    after.entrySet().stream()
                            .filter(
                                    e ->
                                            e.getKey()
                                                            .startsWith(
                                                                    "switchover_ping_rtt_seconds_max{")
                                                    && e.getKey().contains("connection=\"main\""))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(null);
            if (max != null) {
                System.out.printf("  max (recent window) %.2f ms%n", max * 1000);
            }
        }
        after.forEach(
                (key, value) -> {
                    if (key.startsWith("switchover_ping_outcomes_total{")) {
                        double d = value - before.getOrDefault(key, 0.0);
                        if (d > 0) {
                            System.out.printf("  %s %.0f%n", key, d);
                        }
                    }
                });
    }

    private static double delta(
            Map<String, Double> before, Map<String, Double> after, String prefix, String conn) {
        return after.entrySet().stream()
                .filter(
                        e ->
                                e.getKey().startsWith(prefix)
                                        && e.getKey().contains("connection=\"" + conn + "\""))
                .mapToDouble(e -> e.getValue() - before.getOrDefault(e.getKey(), 0.0))
                .sum();
    }

    private static String bound(TreeMap<Double, Double> cumulative, double rank) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return "%.3f ms (histogram bucket bound)".formatted(e.getKey() * 1000);
            }
        }
        return "above the largest bucket";
    }
}

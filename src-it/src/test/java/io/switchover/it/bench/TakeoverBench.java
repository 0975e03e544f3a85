package io.switchover.it.bench;

import io.switchover.it.bed.BedNode;
import io.switchover.it.bed.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The takeover bench of issue 7: scenarios 1-5 of the fault suite, N times each, for one timing
 * profile, on one pair boot. After each takeover the old primary is restarted and joins as backup
 * of the new one, so the roles alternate and the next fault strikes the other node. Prints, per
 * scenario, min/p50/p99/max of detection (fault -> the backup leaves BACKUP) and takeover (fault ->
 * its PRIMARY transition), both from the daemon's own event time stamps, and counts false takeovers
 * (a PRIMARY no fault called for) and wrong reasons.
 *
 * <p>Run: {@code mvn -B -q -ntp -pl src-it test-compile exec:exec@takeover-bench
 * -Dbench.profile=fast -Dbench.runs=20} (as root; see docs/benchmarks.md). Properties: {@code
 * bench.profile} (fast, defaults), {@code bench.runs} (per scenario, 1..1000), {@code
 * bench.scenarios} (e.g. {@code 1,3}), {@code bench.timeoutMinutes} (no new run starts after it).
 */
public final class TakeoverBench {

    /** One scenario: its fault, and what the backup's history must say about it. */
    enum Scenario {
        KILL9(1, "primary killed (kill -9)"),
        SIGSTOP(2, "primary hung (SIGSTOP)"),
        LINK_DOWN(3, "primary's link down"),
        NOTIFIER_BLOCKED(4, "notifier ports blocked, ICMP passes"),
        MODULE_DOWN(5, "module down on the primary");

        final int number;
        final String title;

        Scenario(int number, String title) {
            this.number = number;
            this.title = title;
        }

        void apply(BenchPair pair, BedNode primary) throws IOException {
            switch (this) {
                case KILL9 -> pair.kill9(primary);
                case SIGSTOP -> pair.sigstop(primary);
                case LINK_DOWN -> pair.linkDown(primary);
                case NOTIFIER_BLOCKED -> pair.blockNotifierPorts(primary);
                case MODULE_DOWN -> pair.moduleDown(primary);
            }
        }

        /** Empty when the reason is the expected one, else what is wrong with it. */
        Optional<String> wrongReason(Event detection, Event promotion) {
            String all =
                    detection.cause()
                            + " "
                            + detection.detail()
                            + " "
                            + promotion.cause()
                            + " "
                            + promotion.detail();
            boolean ok =
                    switch (this) {
                        case KILL9, SIGSTOP ->
                                "RECONNECT_ATTEMPTS_EXHAUSTED".equals(promotion.cause())
                                        && detection.detail().contains("REMOTE_NOTIFIER_DOWN");
                        case LINK_DOWN -> all.contains("PRIMARY_UNREACHABLE");
                        case NOTIFIER_BLOCKED ->
                                "RECONNECT_ATTEMPTS_EXHAUSTED".equals(promotion.cause())
                                        && detection.detail().contains("REMOTE_NOTIFIER_DOWN")
                                        && detection.detail().contains("primary host REACHABLE");
                        case MODULE_DOWN -> "MODULE_DOWN".equals(promotion.cause());
                    };
            return ok
                    ? Optional.empty()
                    : Optional.of(
                            "detection %s (%s), takeover %s (%s)"
                                    .formatted(
                                            detection.cause(),
                                            detection.detail(),
                                            promotion.cause(),
                                            promotion.detail()));
        }
    }

    private static final class Tally {
        final List<Long> detection = new ArrayList<>();
        final List<Long> takeover = new ArrayList<>();
        final List<String> wrongReasons = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
    }

    private final BenchProfile profile;
    private final int runs;
    private final List<Scenario> scenarios;
    private final Duration timeout;
    private final Map<Scenario, Tally> tallies = new LinkedHashMap<>();
    private final List<String> falseTakeovers = new ArrayList<>();
    private BedNode primary;

    private TakeoverBench(
            BenchProfile profile, int runs, List<Scenario> scenarios, Duration timeout) {
        this.profile = profile;
        this.runs = runs;
        this.scenarios = scenarios;
        this.timeout = timeout;
        scenarios.forEach(s -> tallies.put(s, new Tally()));
    }

    public static void main(String[] args) throws Exception {
        BenchProfile profile = BenchProfile.of(System.getProperty("bench.profile", "fast"));
        int runs = intProperty("bench.runs", 20, 1, 1000);
        int minutes = intProperty("bench.timeoutMinutes", 90, 1, 24 * 60);
        List<Scenario> scenarios = new ArrayList<>();
        for (String s : System.getProperty("bench.scenarios", "1,2,3,4,5").split(",")) {
            int n = Integer.parseInt(s.trim());
            scenarios.add(
                    java.util.Arrays.stream(Scenario.values())
                            .filter(x -> x.number == n)
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "bench.scenarios: " + n + " is not 1..5")));
        }
        new TakeoverBench(profile, runs, scenarios, Duration.ofMinutes(minutes)).run();
        System.exit(0);
    }

    static int intProperty(String key, int fallback, int min, int max) {
        String v = System.getProperty(key);
        int value;
        try {
            value = v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not an integer");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    key + ": " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    private void run() throws Exception {
        Path dir = Files.createTempDirectory("so-bench-" + profile.name() + "-");
        System.out.printf(
                "[takeover-bench] %s; %d run(s) of scenarios %s; timeout %d min; bed %s%n",
                profile.describe(),
                runs,
                scenarios.stream().map(s -> s.number).toList(),
                timeout.toMinutes(),
                dir);
        System.out.printf(
                "[takeover-bench] %d cpus, %s %s, takeover bound %d ms%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                profile.takeoverBound().toMillis());
        long started = System.nanoTime();
        Instant end = Instant.now().plus(timeout);
        try (BenchPair pair = BenchPair.create(dir, profile)) {
            pair.startPair();
            primary = pair.a();
            outer:
            for (int round = 1; round <= runs; round++) {
                for (Scenario scenario : scenarios) {
                    if (Instant.now().isAfter(end)) {
                        System.out.println("[takeover-bench] timeout reached; stopping early");
                        break outer;
                    }
                    runOnce(pair, scenario, round);
                }
            }
        }
        report(Duration.ofNanos(System.nanoTime() - started));
    }

    private void runOnce(BenchPair pair, Scenario scenario, int round) throws IOException {
        Tally tally = tallies.get(scenario);
        BedNode backup = pair.peerOf(primary);
        int from = backup.events().size();
        int oldFrom = primary.events().size();
        // The fault starts with its command and is in place once the command returned: times are
        // measured from the latter (as in the suite), but a backup only counts as leaving BACKUP
        // on its own when it did so before the former (a kill -9 is seen by the backup before
        // the bench has reaped the process).
        Instant faultStarted = Instant.now();
        scenario.apply(pair, primary);
        Instant fault = Instant.now();
        Duration wait = profile.takeoverBound().multipliedBy(3);
        Optional<Event> promoted =
                BenchPair.awaitEvent(backup, from, e -> e.isTransitionTo("PRIMARY"), wait);
        if (promoted.isEmpty()) {
            String why =
                    "round %d: no takeover within %d ms; backup %s events: %s%n%s"
                            .formatted(
                                    round,
                                    wait.toMillis(),
                                    backup.id(),
                                    BenchPair.eventsFrom(backup, from),
                                    backup.logTail(20));
            tally.failures.add(why);
            System.out.println("[takeover-bench] scenario " + scenario.number + " FAILED " + why);
            pair.reboot(primary);
            return;
        }
        Event promotion = promoted.get();
        Event detection =
                BenchPair.eventsFrom(backup, from).stream()
                        .filter(e -> "transition".equals(e.type()) && "BACKUP".equals(e.from()))
                        .findFirst()
                        .orElse(promotion);
        long detectMs = Duration.between(fault, detection.time()).toMillis();
        long takeMs = Duration.between(fault, promotion.time()).toMillis();
        if (detection.time().isBefore(faultStarted)) {
            falseTakeovers.add(
                    "scenario %d round %d: %s left BACKUP before the fault: %s"
                            .formatted(scenario.number, round, backup.id(), detection));
        }
        tally.detection.add(detectMs);
        tally.takeover.add(takeMs);
        Optional<String> wrong = scenario.wrongReason(detection, promotion);
        wrong.ifPresent(w -> tally.wrongReasons.add("round " + round + ": " + w));
        System.out.printf(
                "[takeover-bench] scenario %d %-38s run %2d: detection %5d ms, takeover %5d ms"
                        + " (%s -> %s)%s%n",
                scenario.number,
                scenario.title,
                round,
                detectMs,
                takeMs,
                detection.cause(),
                promotion.cause(),
                wrong.map(w -> " WRONG REASON: " + w).orElse(""));

        // Re-arm: the old primary (restarted if it was killed, else once its fault is removed and
        // it stepped down) rejoins as backup of the new one; roles swap.
        BedNode oldPrimary = primary;
        primary = backup;
        int primaryFrom = primary.events().size();
        try {
            Optional<Event> wrongPrimary =
                    scenario == Scenario.KILL9
                            ? pair.restartAsBackup(oldPrimary)
                            : pair.rejoinAsBackup(oldPrimary, oldFrom);
            if (wrongPrimary.isPresent()) {
                falseTakeovers.add(
                        "re-arm after scenario %d round %d: %s became PRIMARY instead of BACKUP: %s"
                                .formatted(
                                        scenario.number,
                                        round,
                                        oldPrimary.id(),
                                        wrongPrimary.get()));
                pair.reboot(primary);
            }
        } catch (IllegalStateException e) {
            tally.failures.add("round " + round + ": re-arm failed: " + e.getMessage());
            System.out.println("[takeover-bench] re-arm failed: " + e.getMessage());
            pair.reboot(primary);
        }
        // The new primary must have stayed primary through the re-arm.
        BenchPair.eventsFrom(primary, primaryFrom).stream()
                .filter(e -> "transition".equals(e.type()))
                .findFirst()
                .ifPresent(
                        e ->
                                falseTakeovers.add(
                                        "re-arm after scenario %d round %d: the new primary %s"
                                                        .formatted(
                                                                scenario.number,
                                                                round,
                                                                primary.id())
                                                + " changed state: "
                                                + e));
    }

    private void report(Duration took) {
        System.out.println();
        System.out.printf(
                "[takeover-bench] profile %s, %d cpus, finished in %d s%n",
                profile.name(), Runtime.getRuntime().availableProcessors(), took.toSeconds());
        System.out.println(
                "| # | scenario | runs | detection min | p50 | p99 | max | takeover min | p50 | p99"
                        + " | max | wrong reasons | failed |");
        System.out.println(
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:"
                        + " | ---: |");
        tallies.forEach(
                (s, t) ->
                        System.out.printf(
                                "| %d | %s | %d | %s | %s | %d | %d |%n",
                                s.number,
                                s.title,
                                t.takeover.size(),
                                Percentiles.of(t.detection).cells(),
                                Percentiles.of(t.takeover).cells(),
                                t.wrongReasons.size(),
                                t.failures.size()));
        System.out.println("(all times in ms; p99 by nearest rank)");
        System.out.println("[takeover-bench] false takeovers: " + falseTakeovers.size());
        falseTakeovers.forEach(f -> System.out.println("  " + f));
        tallies.forEach(
                (s, t) -> {
                    t.wrongReasons.forEach(
                            w ->
                                    System.out.println(
                                            "  scenario " + s.number + " wrong reason " + w));
                    t.failures.forEach(
                            f -> System.out.println("  scenario " + s.number + " failed " + f));
                });
    }
}

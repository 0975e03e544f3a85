package io.switchover.daemon.hooks;

import static io.switchover.core.state.Reason.Cause.MANUAL_SWITCHOVER;
import static io.switchover.core.state.Reason.Cause.MODULE_DOWN;
import static io.switchover.core.state.Reason.Cause.NOTIFIER_PING_FAILED;
import static io.switchover.core.state.Reason.Cause.OPERATOR_REJOIN;
import static io.switchover.core.state.Reason.Cause.PEER_IS_PRIMARY;
import static io.switchover.core.state.Reason.Cause.PEER_TOOK_OVER;
import static io.switchover.core.state.Reason.Cause.SHUTDOWN;
import static io.switchover.core.state.State.BACKUP;
import static io.switchover.core.state.State.FAILED;
import static io.switchover.core.state.State.PRIMARY;
import static io.switchover.core.state.State.RECONNECTING;
import static io.switchover.core.state.State.STARTING;
import static io.switchover.core.state.State.STOPPED;
import static io.switchover.core.state.State.UPGRADE_HIGHER;
import static io.switchover.daemon.hooks.TestHooks.move;
import static io.switchover.daemon.hooks.TestHooks.script;
import static io.switchover.daemon.hooks.TestHooks.transition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.switchover.core.state.Reason;
import io.switchover.core.state.Transition;
import io.switchover.daemon.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    @TempDir Path temp;

    private final BlockingQueue<HookFailure> failures = new LinkedBlockingQueue<>();

    private HookRunner runner(
            Map<HookRole, List<Path>> onEnter, Map<HookRole, List<Path>> onLeave) {
        return runner(onEnter, onLeave, TIMEOUT);
    }

    private HookRunner runner(
            Map<HookRole, List<Path>> onEnter,
            Map<HookRole, List<Path>> onLeave,
            Duration timeout) {
        return new HookRunner("node-a", new HookSettings(onEnter, onLeave, timeout), failures::add);
    }

    /** A hook that records its start and end, with what it was told, in {@code journal}. */
    private Path recorder(String name, Path journal) throws Exception {
        return script(
                temp,
                name,
                "echo \"start "
                        + name
                        + " $SWITCHOVER_EVENT $SWITCHOVER_ROLE\" >> "
                        + journal
                        + "\n"
                        + "echo \"end "
                        + name
                        + "\" >> "
                        + journal);
    }

    /** A hook that says it started, then runs until the test creates {@code release}. */
    private Path blocker(String name, Path started, Path release) throws Exception {
        return script(
                temp,
                name,
                "touch " + started + "\n" + "while [ ! -e " + release + " ]; do sleep 0.02; done");
    }

    private static List<String> read(Path journal) throws Exception {
        return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
    }

    @Test
    void roleLeftAndEntered_severalTransitions_runEachHookOnceInOrderOneAtATime() throws Exception {
        Path journal = temp.resolve("journal");
        Path a = recorder("a.sh", journal);
        Path b = recorder("b.sh", journal);
        Map<HookRole, List<Path>> onEnter =
                Map.of(
                        HookRole.PRIMARY, List.of(a, b),
                        HookRole.BACKUP, List.of(b, a),
                        HookRole.FAILED, List.of(a));
        Map<HookRole, List<Path>> onLeave =
                Map.of(
                        HookRole.PRIMARY, List.of(b),
                        HookRole.BACKUP, List.of(a),
                        HookRole.FAILED, List.of(b));

        try (HookRunner runner = runner(onEnter, onLeave)) {
            move(runner, transition(1, STARTING, BACKUP, PEER_IS_PRIMARY));
            move(runner, transition(2, BACKUP, RECONNECTING, NOTIFIER_PING_FAILED));
            move(runner, transition(3, RECONNECTING, PRIMARY, MODULE_DOWN));
            move(runner, transition(4, PRIMARY, FAILED, PEER_TOOK_OVER));
            move(runner, transition(5, FAILED, STARTING, OPERATOR_REJOIN));
            move(runner, transition(6, STARTING, BACKUP, PEER_IS_PRIMARY));
            move(runner, transition(7, BACKUP, STOPPED, SHUTDOWN));

            assertThat(runner.awaitIdle(DRAIN)).isTrue();
        }

        assertThat(read(journal))
                .containsExactly(
                        "start b.sh enter BACKUP", "end b.sh",
                        "start a.sh enter BACKUP", "end a.sh",
                        // RECONNECTING is still the backup role: nothing, then leave it.
                        "start a.sh leave BACKUP", "end a.sh",
                        "start a.sh enter PRIMARY", "end a.sh",
                        "start b.sh enter PRIMARY", "end b.sh",
                        "start b.sh leave PRIMARY", "end b.sh",
                        "start a.sh enter FAILED", "end a.sh",
                        "start b.sh leave FAILED", "end b.sh",
                        "start b.sh enter BACKUP", "end b.sh",
                        "start a.sh enter BACKUP", "end a.sh",
                        "start a.sh leave BACKUP", "end a.sh");
        assertThat(failures).isEmpty();
    }

    @Test
    void roleLeftAndEntered_withinTheBackupRole_runNoHook() throws Exception {
        Path journal = temp.resolve("journal");
        Path a = recorder("a.sh", journal);
        Map<HookRole, List<Path>> everywhere =
                Map.of(
                        HookRole.PRIMARY, List.of(a),
                        HookRole.BACKUP, List.of(a),
                        HookRole.FAILED, List.of(a));

        try (HookRunner runner = runner(everywhere, everywhere)) {
            move(runner, transition(1, BACKUP, RECONNECTING, NOTIFIER_PING_FAILED));
            move(runner, transition(2, RECONNECTING, BACKUP, Reason.Cause.RECONNECTED));
            move(runner, transition(3, BACKUP, UPGRADE_HIGHER, PEER_IS_PRIMARY));

            assertThat(runner.awaitIdle(DRAIN)).isTrue();
        }

        assertThat(read(journal)).isEmpty();
    }

    @Test
    void roleEntered_anyHook_seesTheTransitionInItsEnvironment() throws Exception {
        Path env = temp.resolve("env");
        Path dump = script(temp, "dump.sh", "env | grep '^SWITCHOVER_' | sort > " + env);
        Transition promotion =
                new Transition(
                        9,
                        RECONNECTING,
                        PRIMARY,
                        Reason.of(MODULE_DOWN, "3 module pings failed; \"both\" connections up"),
                        12,
                        0);

        try (HookRunner runner =
                runner(
                        Map.of(HookRole.PRIMARY, List.of(dump)),
                        Map.of(HookRole.BACKUP, List.of(dump)))) {
            runner.roleEntered(promotion);
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
            assertThat(read(env))
                    .containsExactly(
                            "SWITCHOVER_EVENT=enter",
                            "SWITCHOVER_GENERATION=12",
                            "SWITCHOVER_NODE=node-a",
                            "SWITCHOVER_PREVIOUS_STATE=RECONNECTING",
                            "SWITCHOVER_REASON=MODULE_DOWN",
                            "SWITCHOVER_REASON_DETAIL=3 module pings failed; \"both\" connections up",
                            "SWITCHOVER_ROLE=PRIMARY",
                            "SWITCHOVER_STATE=PRIMARY");

            runner.roleLeft(promotion);
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
            assertThat(read(env))
                    .contains(
                            "SWITCHOVER_EVENT=leave",
                            "SWITCHOVER_ROLE=BACKUP",
                            "SWITCHOVER_STATE=PRIMARY",
                            "SWITCHOVER_PREVIOUS_STATE=RECONNECTING");
        }
    }

    @Test
    void roleEntered_whileAHookRuns_returnsAtOnce() throws Exception {
        Path started = temp.resolve("started");
        Path release = temp.resolve("release");
        Path done = temp.resolve("done");
        Path slow = blocker("slow.sh", started, release);
        Path last = script(temp, "last.sh", "touch " + done);

        try (HookRunner runner =
                runner(
                        Map.of(HookRole.PRIMARY, List.of(slow), HookRole.FAILED, List.of(last)),
                        Map.of(HookRole.PRIMARY, List.of(last)))) {
            // The hook cannot end before the test creates `release`, which it does only after
            // these calls returned: if they waited for hooks, this would time out.
            assertTimeoutPreemptively(
                    Duration.ofSeconds(5),
                    () -> {
                        move(runner, transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER));
                        await().atMost(DRAIN).until(() -> Files.exists(started));
                        move(runner, transition(2, PRIMARY, FAILED, PEER_TOOK_OVER));
                    });
            assertThat(done).doesNotExist();

            Files.createFile(release);
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
            assertThat(done).exists();
        }
    }

    @Test
    void awaitIdle_hookStillRunning_returnsFalseAtTheBoundThenTrueOnceItEnds() throws Exception {
        Path started = temp.resolve("started");
        Path release = temp.resolve("release");
        Path slow = blocker("slow.sh", started, release);

        try (HookRunner runner = runner(Map.of(HookRole.PRIMARY, List.of(slow)), Map.of())) {
            move(runner, transition(1, STARTING, PRIMARY, Reason.Cause.PEER_NOT_CONTACTED));
            await().atMost(DRAIN).until(() -> Files.exists(started));

            assertThat(runner.awaitIdle(Duration.ofMillis(100))).isFalse();

            Files.createFile(release);
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void roleEntered_hookOutlivesItsTimeout_killsItAndItsChildAndReportsIt() throws Exception {
        Path pids = temp.resolve("pids");
        Path next = temp.resolve("next");
        Path hang =
                script(temp, "hang.sh", "sleep 300 &\n" + "echo $$ $! > " + pids + "\n" + "wait");
        Path after = script(temp, "after.sh", "touch " + next);
        // Long enough for the script to start its child and write the pids even on a busy machine.
        Duration timeout = Duration.ofMillis(1500);

        try (HookRunner runner =
                runner(Map.of(HookRole.PRIMARY, List.of(hang, after)), Map.of(), timeout)) {
            move(runner, transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER));

            HookFailure failure = failures.poll(DRAIN.toSeconds(), TimeUnit.SECONDS);
            assertThat(failure).isNotNull();
            assertThat(failure.kind()).isEqualTo(HookFailure.Kind.TIMED_OUT);
            assertThat(failure.script()).isEqualTo(hang);
            assertThat(failure.elapsed()).isGreaterThanOrEqualTo(timeout);
            assertThat(failure.detail()).contains("1500 ms", "1 descendant");

            List<Long> hookAndChild =
                    List.of(Files.readString(pids).trim().split(" ")).stream()
                            .map(Long::parseLong)
                            .collect(Collectors.toList());
            await().atMost(DRAIN)
                    .untilAsserted(
                            () ->
                                    assertThat(hookAndChild)
                                            .noneMatch(
                                                    pid ->
                                                            ProcessHandle.of(pid)
                                                                    .map(ProcessHandle::isAlive)
                                                                    .orElse(false)));

            // A hook that hung does not stop the ones after it.
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
            assertThat(next).exists();
        }
    }

    @Test
    void roleEntered_hookWritesOutput_eachLineLoggedWithTheHooksNameBeforeItsOutcome()
            throws Exception {
        Path talker =
                script(
                        temp,
                        "talker.sh",
                        "echo 'first line'\n"
                                + "echo 'oops' >&2\n"
                                + "printf 'windows line\\r\\n'\n"
                                + "printf 'no newline at the end'");

        try (LogCapture log = LogCapture.of(HookRunner.LOGGER, Level.INFO);
                HookRunner runner = runner(Map.of(HookRole.BACKUP, List.of(talker)), Map.of())) {
            move(runner, transition(1, STARTING, BACKUP, PEER_IS_PRIMARY));
            assertThat(runner.awaitIdle(DRAIN)).isTrue();

            List<ILoggingEvent> events = log.events();
            assertThat(log.messages(Level.INFO))
                    .contains(
                            "hook talker.sh: first line",
                            "hook talker.sh: windows line",
                            "hook talker.sh: no newline at the end");
            assertThat(log.messages(Level.WARN)).containsExactly("hook talker.sh [stderr]: oops");
            List<String> messages =
                    events.stream()
                            .map(ILoggingEvent::getFormattedMessage)
                            .collect(Collectors.toList());
            assertThat(messages.get(0))
                    .startsWith("hook talker.sh (on-enter-backup, #1")
                    .endsWith("started");
            assertThat(messages.get(messages.size() - 1))
                    .startsWith("hook talker.sh (on-enter-backup")
                    .contains("finished in");
            assertThat(events).allMatch(e -> e.getLoggerName().equals(HookRunner.LOGGER));
        }
    }

    @Test
    void roleEntered_hookFailsOrIsMissing_reportsItAndRunsTheNextHooks() throws Exception {
        Path ran = temp.resolve("ran");
        Path failing = script(temp, "failing.sh", "echo 'VIP not set' >&2\nexit 3");
        Path missing = temp.resolve("missing.sh");
        Path notExecutable = temp.resolve("plain.sh");
        Files.writeString(notExecutable, "#!/bin/sh\nexit 0\n");
        Path fine = script(temp, "fine.sh", "touch " + ran);
        Transition promotion = transition(4, RECONNECTING, PRIMARY, MODULE_DOWN);

        try (HookRunner runner =
                runner(
                        Map.of(HookRole.PRIMARY, List.of(failing, missing, notExecutable, fine)),
                        Map.of())) {
            move(runner, promotion);
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
        }

        assertThat(ran).exists();
        List<HookFailure> reported = new ArrayList<>(failures);
        assertThat(reported)
                .extracting(HookFailure::script, HookFailure::kind)
                .containsExactly(
                        tuple(failing, HookFailure.Kind.EXIT_STATUS),
                        tuple(missing, HookFailure.Kind.NOT_STARTED),
                        tuple(notExecutable, HookFailure.Kind.NOT_STARTED));
        HookFailure exit = reported.get(0);
        assertThat(exit.exitStatus()).hasValue(3);
        assertThat(exit.transition()).isEqualTo(promotion);
        assertThat(exit.event()).isEqualTo(HookEvent.ENTER);
        assertThat(exit.role()).isEqualTo(HookRole.PRIMARY);
        assertThat(exit.eventFields())
                .containsEntry("hook", failing.toString())
                .containsEntry("on", "on-enter-primary")
                .containsEntry("kind", HookFailure.Kind.EXIT_STATUS)
                .containsEntry("exitStatus", 3)
                .containsEntry("to", PRIMARY)
                .containsEntry("generation", 4L);
        assertThat(reported.get(1).detail()).contains(missing.toString());
    }

    @Test
    void roleEntered_listenerThrows_nextHooksStillRun() throws Exception {
        Path ran = temp.resolve("ran");
        Path failing = script(temp, "failing.sh", "exit 1");
        Path fine = script(temp, "fine.sh", "touch " + ran);
        HookSettings settings =
                new HookSettings(
                        Map.of(HookRole.PRIMARY, List.of(failing, fine)), Map.of(), TIMEOUT);

        try (HookRunner runner =
                new HookRunner(
                        "node-a",
                        settings,
                        failure -> {
                            throw new IllegalStateException("history is full");
                        })) {
            move(runner, transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER));
            assertThat(runner.awaitIdle(DRAIN)).isTrue();
        }

        assertThat(ran).exists();
    }

    @Test
    void close_whileAHookRunsAndOthersWait_killsItAndReportsAllAbandoned() throws Exception {
        Path started = temp.resolve("started");
        Path never = temp.resolve("never");
        Path slow = blocker("slow.sh", started, never);
        Path queued = script(temp, "queued.sh", "touch " + never);

        HookRunner runner =
                runner(
                        Map.of(HookRole.PRIMARY, List.of(slow, queued)),
                        Map.of(HookRole.PRIMARY, List.of(queued)));
        move(runner, transition(1, BACKUP, PRIMARY, MANUAL_SWITCHOVER));
        await().atMost(DRAIN).until(() -> Files.exists(started));

        runner.close();

        assertThat(new ArrayList<>(failures))
                .extracting(HookFailure::script, HookFailure::kind)
                .containsExactlyInAnyOrder(
                        tuple(slow, HookFailure.Kind.ABANDONED),
                        tuple(queued, HookFailure.Kind.ABANDONED));
        assertThat(never).doesNotExist();
        assertThat(runner.awaitIdle(Duration.ofMillis(10))).isFalse();

        // Transitions after close run nothing, say so, and do not throw on the core's thread.
        try (LogCapture log = LogCapture.of(HookRunner.LOGGER, Level.WARN)) {
            move(runner, transition(2, PRIMARY, STOPPED, SHUTDOWN));
            assertThat(log.messages(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains("queued.sh", "on-leave-primary", "stopped");
        }
        assertThat(never).doesNotExist();
        assertThat(failures).hasSize(2);
    }
}

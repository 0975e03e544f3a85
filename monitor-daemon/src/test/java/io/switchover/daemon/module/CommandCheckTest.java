package io.switchover.daemon.module;

import static io.switchover.daemon.module.CheckResults.detail;
import static io.switchover.daemon.module.CheckResults.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.switchover.daemon.testing.ManualExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real commands, real processes. */
class CommandCheckTest {
    private final ExecutorService blocking = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        blocking.shutdownNow();
    }

    @Test
    void check_true_fineWithExitZeroAsDetail() throws Exception {
        assertThat(detail(check("true").check(Duration.ofSeconds(5)))).isEqualTo("exit 0");
    }

    @Test
    void check_output_firstLineIsTheDetail() throws Exception {
        assertThat(
                        detail(
                                check("sh", "-c", "echo; echo '  serving 42 sessions '; echo more")
                                        .check(Duration.ofSeconds(5))))
                .isEqualTo("serving 42 sessions");
    }

    @Test
    void check_false_refusedWithTheExitStatus() {
        assertThat(rejection(check("false").check(Duration.ofSeconds(5))))
                .isEqualTo("command 'false' exited with 1");
    }

    @Test
    void check_failureWithErrorOutput_reasonCarriesTheFirstLine() {
        assertThat(
                        rejection(
                                check("sh", "-c", "echo 'database unreachable' >&2; exit 3")
                                        .check(Duration.ofSeconds(5))))
                .endsWith("exited with 3: database unreachable");
    }

    @Test
    void check_sleepBeyondTheTimeout_refusedAndTheProcessIsGone() {
        CompletionStage<String> running = check("sleep", "10").check(Duration.ofMillis(500));
        ProcessHandle sleep = awaitChild("sleep", "10");
        long start = System.nanoTime();
        assertThat(rejection(running)).isEqualTo("command 'sleep 10': no answer within 500ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> !sleep.isAlive());
    }

    @Test
    void check_timeout_killsTheWholeProcessTree() {
        CompletionStage<String> running =
                check("sh", "-c", "sleep 17 & sleep 18; wait").check(Duration.ofMillis(500));
        ProcessHandle shell = awaitChild("sh", "-c");
        await().atMost(Duration.ofSeconds(5)).until(() -> shell.descendants().count() == 2);
        List<ProcessHandle> tree = shell.descendants().toList();
        assertThat(rejection(running)).contains("no answer within 500ms");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !shell.isAlive() && tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void check_missingProgram_refusedSayingItCannotRun() {
        assertThat(rejection(check("/nonexistent/check-db").check(Duration.ofSeconds(5))))
                .startsWith("command '/nonexistent/check-db': cannot run");
    }

    @Test
    void check_neverBlocksTheCaller_processStartsOnTheGivenExecutor() {
        ManualExecutor queued = new ManualExecutor();
        CompletionStage<String> stage =
                new CommandCheck(List.of("true"), queued).check(Duration.ofSeconds(5));
        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(queued.queued()).isEqualTo(1);
    }

    @Test
    void check_timedOutBeforeAThreadWasFree_commandNeverStarts() {
        ManualExecutor queued = new ManualExecutor();
        CompletionStage<String> stage =
                new CommandCheck(List.of("sleep", "19"), queued).check(Duration.ofMillis(50));
        assertThat(rejection(stage)).contains("no answer within 50ms");
        queued.runAll();
        assertThat(children("sleep", "19")).isEmpty();
    }

    @Test
    void constructor_emptyCommand_rejected() {
        assertThatThrownBy(() -> new CommandCheck(List.of(), blocking))
                .hasMessageContaining("the command is empty");
    }

    private CommandCheck check(String... argv) {
        return new CommandCheck(List.of(argv), blocking);
    }

    private static ProcessHandle awaitChild(String command, String firstArgument) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !children(command, firstArgument).isEmpty());
        return children(command, firstArgument).get(0);
    }

    /**
     * This JVM's live children running {@code command} (a suffix of the executable's path, which is
     * the resolved one: {@code sh} is {@code /usr/bin/dash} on Debian) with {@code firstArgument}.
     */
    private static List<ProcessHandle> children(String command, String firstArgument) {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(
                        p ->
                                p.info().command().map(c -> c.endsWith(command)).orElse(false)
                                        && p.info()
                                                .arguments()
                                                .map(
                                                        a ->
                                                                a.length > 0
                                                                        && a[0].equals(
                                                                                firstArgument))
                                                .orElse(false))
                .toList();
    }
}

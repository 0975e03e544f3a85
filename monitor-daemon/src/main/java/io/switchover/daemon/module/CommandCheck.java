package io.switchover.daemon.module;

import io.switchover.notifier.session.RejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module is fine when a command exits with status 0. The first line of its output (standard
 * output and error together) is the detail, or the reason when it fails. A command still running at
 * the timeout is killed with its whole process tree, and the check fails.
 *
 * <p>The command's output goes to a private temporary file rather than a pipe: nothing has to read
 * it while the command runs, so no thread waits on a pipe that a background grandchild may keep
 * open long after the command itself exited. Only the first line is ever read.
 */
public final class CommandCheck implements ModuleCheck {
    private static final Logger log = LoggerFactory.getLogger(CommandCheck.class);

    /** How much output is read to find the first line. */
    private static final int FIRST_LINE_BYTES = 4096;

    /** Longest detail passed on: it travels to the backup and into its log line. */
    private static final int MAX_DETAIL_CHARS = 200;

    private final List<String> argv;
    private final Executor blocking;

    /**
     * @param argv the program and its arguments, run directly (no shell)
     * @param blocking runs the blocking process start, so that {@link #check} never blocks its
     *     caller
     */
    public CommandCheck(List<String> argv, Executor blocking) {
        this.argv = List.copyOf(argv);
        if (this.argv.isEmpty() || this.argv.get(0).isBlank()) {
            throw new IllegalArgumentException("command module check: the command is empty");
        }
        this.blocking = Objects.requireNonNull(blocking, "blocking");
    }

    @Override
    public String describe() {
        return "command '" + String.join(" ", argv) + "'";
    }

    @Override
    public CompletionStage<String> check(Duration timeout) {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<Process> started = new CompletableFuture<>();
        Rejections.runBlocking(blocking, () -> run(work, started), work, describe());
        CompletableFuture<String> result = Rejections.bounded(work, timeout, describe());
        // Whatever ended the check (normally the timeout), the command must not outlive it. A
        // process started after the check was already over is killed as soon as it exists.
        result.whenComplete((detail, error) -> started.thenAccept(CommandCheck::killTree));
        return result;
    }

    private void run(CompletableFuture<String> work, CompletableFuture<Process> started) {
        if (work.isDone()) {
            return; // timed out before a thread was free: do not start it at all
        }
        Path output;
        Process process;
        try {
            output = Files.createTempFile("switchover-check-", ".out");
        } catch (IOException e) {
            work.completeExceptionally(
                    new RejectedException(
                            describe() + ": cannot create its output file: " + e.getMessage()));
            return;
        }
        try {
            process =
                    new ProcessBuilder(argv)
                            .redirectErrorStream(true)
                            .redirectOutput(output.toFile())
                            .start();
            process.getOutputStream().close(); // no input: a command that reads sees end of file
        } catch (IOException e) {
            delete(output);
            work.completeExceptionally(
                    new RejectedException(describe() + ": cannot run: " + e.getMessage()));
            return;
        }
        started.complete(process);
        process.onExit()
                .whenComplete(
                        (p, error) -> {
                            String line = firstLine(output);
                            delete(output);
                            int status = process.exitValue();
                            if (status == 0) {
                                work.complete(line.isEmpty() ? "exit 0" : line);
                            } else {
                                work.completeExceptionally(
                                        new RejectedException(
                                                describe()
                                                        + " exited with "
                                                        + status
                                                        + (line.isEmpty() ? "" : ": " + line)));
                            }
                        });
    }

    /** Kills a process and every descendant, children first seen before the parent dies. */
    static void killTree(Process process) {
        if (!process.isAlive()) {
            return;
        }
        // Snapshot the descendants first: once the parent is gone, its children are re-parented
        // and no longer findable as descendants.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        log.debug("killed pid {} and {} descendants", process.pid(), tree.size());
    }

    private static String firstLine(Path output) {
        byte[] head;
        try (InputStream in = Files.newInputStream(output)) {
            head = in.readNBytes(FIRST_LINE_BYTES);
        } catch (IOException e) {
            return "";
        }
        String text = new String(head, StandardCharsets.UTF_8);
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                String stripped = line.strip();
                return stripped.length() <= MAX_DETAIL_CHARS
                        ? stripped
                        : stripped.substring(0, MAX_DETAIL_CHARS) + "...";
            }
        }
        return "";
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", file, e.toString());
        }
    }
}

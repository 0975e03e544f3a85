package io.switchover.daemon.hooks;

import io.switchover.core.port.Actions;
import io.switchover.core.state.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured hook scripts on every change of role: the {@link Actions} port of the core.
 *
 * <p>Threading: {@link #roleLeft} and {@link #roleEntered} are called on the core's executor and
 * only put the transition's scripts on a queue; they never wait for a script. One dedicated thread
 * ({@code switchover-hooks}) runs the queue one script at a time, in the order enqueued, so the
 * leave hooks of a transition finish before its enter hooks start and a flapping node's hooks never
 * overlap. That thread must never be the core's: a hanging script would freeze every decision.
 *
 * <p>Which hooks run: those of the {@link HookRole} left and of the one entered; a transition
 * between two states of the same hook role (e.g. {@code BACKUP -> RECONNECTING}) runs none.
 *
 * <p>Each script runs with stdin closed and these environment variables added to the daemon's:
 *
 * <table>
 *   <caption>hook environment</caption>
 *   <tr><td>{@code SWITCHOVER_EVENT}</td><td>{@code enter} or {@code leave}</td></tr>
 *   <tr><td>{@code SWITCHOVER_ROLE}</td><td>the role the hook is about: {@code PRIMARY},
 *       {@code BACKUP} or {@code FAILED}</td></tr>
 *   <tr><td>{@code SWITCHOVER_STATE}</td><td>the state entered, e.g. {@code PRIMARY}</td></tr>
 *   <tr><td>{@code SWITCHOVER_PREVIOUS_STATE}</td><td>the state left</td></tr>
 *   <tr><td>{@code SWITCHOVER_REASON}</td><td>the cause, e.g. {@code MODULE_DOWN}</td></tr>
 *   <tr><td>{@code SWITCHOVER_REASON_DETAIL}</td><td>the evidence, in words</td></tr>
 *   <tr><td>{@code SWITCHOVER_GENERATION}</td><td>the generation after the transition</td></tr>
 *   <tr><td>{@code SWITCHOVER_NODE}</td><td>this node's id</td></tr>
 * </table>
 *
 * <p>Its stdout (INFO) and stderr (WARN) are logged line by line with the script's name on the
 * logger {@code io.switchover.daemon.hooks}. A script still running after the timeout is killed
 * with SIGKILL together with its descendants. A failure of any kind is logged and reported to the
 * {@link HookListener}; it never vetoes the transition (already decided) and never stops the
 * scripts queued after it.
 *
 * <p>Shutdown: after the core has moved to {@code STOPPED} (which enqueues the leave hooks), call
 * {@link #awaitIdle} with an overall bound, then {@link #close}, which kills a script still running
 * and drops the rest of the queue, reporting them as {@link HookFailure.Kind#ABANDONED}.
 *
 * <p>Limitations: a descendant that detaches itself (double fork, {@code setsid}) between the
 * moment the tree is listed and the kill escapes it, as does anything a hook deliberately leaves
 * running after it exits normally; such a process may keep the hook's output open, in which case
 * the runner moves on after a short grace and its remaining output is still logged.
 */
public final class HookRunner implements Actions, AutoCloseable {

    /** The logger of hook runs and hook output, as operators configure it. */
    public static final String LOGGER = "io.switchover.daemon.hooks";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** How long, after a script ended, its output may take to drain before the next one starts. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    /**
     * How long a killed script may take to be reaped; SIGKILL cannot be ignored, so it is short.
     */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    /** Longer lines are logged in pieces, so that a script cannot fill the heap with one line. */
    private static final int MAX_LINE_CHARS = 8192;

    private final String nodeId;
    private final HookSettings settings;
    private final HookListener listener;
    private final ThreadPoolExecutor queue;
    private final ExecutorService output;

    /**
     * @param nodeId this node's id, for {@code SWITCHOVER_NODE}
     * @param settings the scripts and their timeout
     * @param listener told of every failure, on the hook thread
     */
    public HookRunner(String nodeId, HookSettings settings, HookListener listener) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.listener = listener;
        this.queue =
                new ThreadPoolExecutor(
                        1,
                        1,
                        0,
                        TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(),
                        daemonThreads("switchover-hooks"));
        this.output = Executors.newCachedThreadPool(daemonThreads("switchover-hook-output"));
    }

    /** Enqueues the leave hooks of the role {@code transition.from()} has; returns at once. */
    @Override
    public void roleLeft(Transition transition) {
        Optional<HookRole> left = HookRole.of(transition.from());
        if (left.isPresent() && !left.equals(HookRole.of(transition.to()))) {
            enqueue(HookEvent.LEAVE, left.get(), transition);
        }
    }

    /** Enqueues the enter hooks of the role {@code transition.to()} has; returns at once. */
    @Override
    public void roleEntered(Transition transition) {
        Optional<HookRole> entered = HookRole.of(transition.to());
        if (entered.isPresent() && !entered.equals(HookRole.of(transition.from()))) {
            enqueue(HookEvent.ENTER, entered.get(), transition);
        }
    }

    /**
     * Waits until every hook enqueued before this call has finished, for at most {@code bound}. For
     * a clean shutdown: the leave hooks run before the daemon exits, but a hanging one cannot hold
     * the exit for longer than the bound.
     *
     * @return true if the queue drained in time; false on timeout, interruption or after {@link
     *     #close}
     */
    public boolean awaitIdle(Duration bound) {
        Future<?> marker;
        try {
            marker = queue.submit(() -> {});
        } catch (RejectedExecutionException e) {
            return false;
        }
        try {
            marker.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | CancellationException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops running hooks: a script still running is killed with its descendants, those still
     * queued are dropped, and each is reported as {@link HookFailure.Kind#ABANDONED}. Transitions
     * after this run no hook (a warning says so). Call {@link #awaitIdle} first for a clean
     * shutdown.
     */
    @Override
    public void close() {
        if (queue.isShutdown()) {
            return;
        }
        List<Runnable> dropped = queue.shutdownNow();
        for (Runnable runnable : dropped) {
            if (runnable instanceof Job job) {
                report(
                        job,
                        HookFailure.Kind.ABANDONED,
                        OptionalInt.empty(),
                        Duration.ZERO,
                        "not run: the daemon stopped its hooks before this one's turn");
            } else if (runnable instanceof Future<?> marker) {
                marker.cancel(false);
            }
        }
        try {
            if (!queue.awaitTermination(KILL_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                log.warn("the hook thread did not stop in time; it is a daemon thread and is left");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Output readers end by themselves when the last writer of their pipe is gone.
        output.shutdown();
    }

    private void enqueue(HookEvent event, HookRole role, Transition transition) {
        List<Path> scripts = settings.scripts(event, role);
        if (scripts.isEmpty()) {
            return;
        }
        for (Path script : scripts) {
            try {
                queue.execute(new Job(script, event, role, transition));
            } catch (RejectedExecutionException e) {
                log.warn(
                        "hook {} ({}) not run for {}: hooks are stopped",
                        script,
                        event.configKey(role),
                        transition);
            }
        }
    }

    /** One script to run for one transition; the queue's unit of work. */
    private final class Job implements Runnable {
        final Path script;
        final HookEvent event;
        final HookRole role;
        final Transition transition;

        Job(Path script, HookEvent event, HookRole role, Transition transition) {
            this.script = script;
            this.event = event;
            this.role = role;
            this.transition = transition;
        }

        String name() {
            Path fileName = script.getFileName();
            return fileName == null ? script.toString() : fileName.toString();
        }

        @Override
        public void run() {
            runScript(this);
        }

        @Override
        public String toString() {
            return name()
                    + " ("
                    + event.configKey(role)
                    + ", #"
                    + transition.sequence()
                    + " "
                    + transition.from()
                    + " -> "
                    + transition.to()
                    + ", generation "
                    + transition.generation()
                    + ")";
        }
    }

    private void runScript(Job job) {
        long started = System.nanoTime();
        log.info("hook {} started", job);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(job.script.toString());
            builder.environment().putAll(environment(job));
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            report(
                    job,
                    HookFailure.Kind.NOT_STARTED,
                    OptionalInt.empty(),
                    since(started),
                    "could not start " + job.script + ": " + e.getMessage());
            return;
        }
        closeStdin(process);
        Future<?> stdout =
                output.submit(() -> logLines(process.getInputStream(), job.name(), false));
        Future<?> stderr =
                output.submit(() -> logLines(process.getErrorStream(), job.name(), true));
        try {
            boolean exited = process.waitFor(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
            if (!exited) {
                int killed = killTree(process);
                process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
                awaitOutput(job, stdout, stderr);
                report(
                        job,
                        HookFailure.Kind.TIMED_OUT,
                        OptionalInt.empty(),
                        since(started),
                        "still running after the timeout of "
                                + settings.timeout().toMillis()
                                + " ms; killed with "
                                + killed
                                + " descendant process(es)");
                return;
            }
            awaitOutput(job, stdout, stderr);
            int status = process.exitValue();
            if (status == 0) {
                log.info("hook {} finished in {} ms", job, since(started).toMillis());
            } else {
                report(
                        job,
                        HookFailure.Kind.EXIT_STATUS,
                        OptionalInt.of(status),
                        since(started),
                        "exited with status " + status + signalHint(status));
            }
        } catch (InterruptedException e) {
            // close(): the daemon is stopping and will not wait for this script any longer.
            int killed = killTree(process);
            report(
                    job,
                    HookFailure.Kind.ABANDONED,
                    OptionalInt.empty(),
                    since(started),
                    "killed with "
                            + killed
                            + " descendant process(es): the daemon stopped its"
                            + " hooks before this one finished");
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, String> environment(Job job) {
        Transition t = job.transition;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHOVER_EVENT", job.event.environmentValue());
        env.put("SWITCHOVER_ROLE", job.role.name());
        env.put("SWITCHOVER_STATE", t.to().name());
        env.put("SWITCHOVER_PREVIOUS_STATE", t.from().name());
        env.put("SWITCHOVER_REASON", t.reason().cause().name());
        // A NUL cannot be passed in an environment variable; the detail is prose, so a space does.
        env.put("SWITCHOVER_REASON_DETAIL", t.reason().detail().replace('\0', ' '));
        env.put("SWITCHOVER_GENERATION", Long.toString(t.generation()));
        env.put("SWITCHOVER_NODE", nodeId);
        return env;
    }

    /**
     * Kills {@code process} and every descendant it had when called; returns how many descendants.
     * The tree is listed first because, once the script is dead, its children belong to init and
     * can no longer be found; the script is killed first so that it cannot start new ones.
     */
    private static int killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        return descendants.size();
    }

    /** Lets the output of a finished script reach the log before its outcome is logged. */
    private static void awaitOutput(Job job, Future<?> stdout, Future<?> stderr)
            throws InterruptedException {
        long deadline = System.nanoTime() + OUTPUT_GRACE.toNanos();
        for (Future<?> stream : List.of(stdout, stderr)) {
            try {
                stream.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.info(
                        "hook {} ended but a process it left running keeps its output open; its"
                                + " further output is still logged",
                        job);
                return;
            } catch (ExecutionException e) {
                log.warn("could not read the output of hook {}: {}", job, e.getCause().toString());
            }
        }
    }

    private static void logLines(InputStream stream, String name, boolean stderr) {
        try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            char[] buffer = new char[4096];
            int read;
            while ((read = reader.read(buffer)) >= 0) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        logLine(name, stderr, line);
                    } else {
                        line.append(c);
                        if (line.length() >= MAX_LINE_CHARS) {
                            logLine(name, stderr, line);
                        }
                    }
                }
            }
            if (line.length() > 0) {
                logLine(name, stderr, line);
            }
        } catch (IOException e) {
            // The pipe closed under us (the process was killed): nothing more to log.
            log.debug("output of hook {} closed: {}", name, e.toString());
        }
    }

    private static void logLine(String name, boolean stderr, StringBuilder line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        String text = line.substring(0, end);
        line.setLength(0);
        if (stderr) {
            log.warn("hook {} [stderr]: {}", name, text);
        } else {
            log.info("hook {}: {}", name, text);
        }
    }

    private void report(
            Job job,
            HookFailure.Kind kind,
            OptionalInt exitStatus,
            Duration elapsed,
            String detail) {
        log.warn("hook {} failed ({}): {}", job, kind, detail);
        HookFailure failure =
                new HookFailure(
                        job.script,
                        job.event,
                        job.role,
                        job.transition,
                        kind,
                        exitStatus,
                        elapsed,
                        detail);
        try {
            listener.hookFailed(failure);
        } catch (RuntimeException e) {
            // The listener records and counts; its failure must not stop the hooks after this one.
            log.warn("hook failure listener failed for {}: {}", job, e.toString());
        }
    }

    private static String signalHint(int status) {
        // The JDK reports a process killed by signal N as 128 + N, like a shell does.
        return status > 128 && status < 128 + 65
                ? " (killed by signal " + (status - 128) + "?)"
                : "";
    }

    private static void closeStdin(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // A script that already exited has no stdin to close.
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            // The daemon decides when hooks stop (awaitIdle, close); they never hold the JVM.
            thread.setDaemon(true);
            return thread;
        };
    }
}

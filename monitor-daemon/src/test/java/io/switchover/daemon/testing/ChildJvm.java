package io.switchover.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A main class of the test classpath running in its own JVM, with its output read line by line. */
public final class ChildJvm implements AutoCloseable {
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "child-jvm-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return new ChildJvm(
                new ProcessBuilder(command(main, args)).redirectErrorStream(true).start());
    }

    /** As {@link #start}, with the child's heap capped at {@code maxHeap} ({@code -Xmx}). */
    public static ChildJvm startWithHeap(String maxHeap, Class<?> main, String... args)
            throws IOException {
        List<String> command = command(main, args);
        command.add(1, "-Xmx" + maxHeap);
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * As {@link #start}, with the child unable to make any file larger than {@code kib} KiB ({@code
     * ulimit -f}): its writes beyond that fail as on a full disk (the JVM ignores SIGXFSZ, so they
     * throw {@code IOException: File too large}).
     */
    public static ChildJvm startWithFileSizeLimit(long kib, Class<?> main, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add("sh");
        command.add("-c");
        // ulimit -f counts 512-byte blocks; "$0" "$@" is the java command line below.
        command.add("ulimit -f " + kib * 2 + " && exec \"$0\" \"$@\"");
        command.addAll(command(main, args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A short-lived helper: quick startup matters more than peak speed.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    public long pid() {
        return process.pid();
    }

    /** The next line of output; fails if none comes within {@code bound} or the output ends. */
    public String nextLine(Duration bound) throws InterruptedException {
        String line = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("child JVM " + pid() + " printed nothing within " + bound);
        }
        if (line.equals(END)) {
            throw new AssertionError("child JVM " + pid() + " ended its output");
        }
        return line;
    }

    /** The first line starting with {@code prefix}, skipping others (JVM warnings, logging). */
    public String lineStartingWith(String prefix, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            String line = nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    public int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child JVM " + pid() + " still running after " + bound);
        }
        return process.exitValue();
    }

    /**
     * SIGKILL ({@link Process#destroyForcibly()} on Linux): the process gets no chance to release
     * anything itself.
     */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readOutput() {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The child died; END below tells the waiting test.
        }
        lines.add(END);
    }
}

package io.switchover.it.bed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small Java program of the suite (a {@code main} in the test classes: {@link RolePoller}, {@link
 * RegistryLoad}) run inside one of the bed's namespaces, as {@code ip netns exec NS java -cp <test
 * classes> Main args}. {@code ip netns exec} execs java, so the process started here is the
 * program's JVM: {@link #close()} signals that pid and nothing else. Its output goes to a log file
 * next to what it writes. The bed's cleanup also kills anything left in its namespaces.
 */
public final class BedProgram implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private BedProgram(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code main} of {@code program} in {@code namespace}, output to {@code log}. */
    public static BedProgram start(String namespace, Class<?> program, Path log, String... args)
            throws IOException {
        String java =
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classes;
        try {
            classes =
                    Path.of(program.getProtectionDomain().getCodeSource().getLocation().toURI())
                            .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> argv =
                new ArrayList<>(
                        List.of(
                                "ip",
                                "netns",
                                "exec",
                                namespace,
                                java,
                                "-Xmx64m",
                                "-XX:TieredStopAtLevel=1",
                                "-XX:+UseSerialGC",
                                "-cp",
                                classes,
                                program.getName()));
        argv.addAll(List.of(args));
        Process process =
                new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        return new BedProgram(program.getSimpleName() + " in " + namespace, process, log);
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Waits for the program to end by itself; false if it still runs after {@code deadline}. */
    public boolean awaitExit(Duration deadline) throws InterruptedException {
        return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitCode() {
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, then SIGKILL if it is still there after 5 s: by pid, never by name. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}

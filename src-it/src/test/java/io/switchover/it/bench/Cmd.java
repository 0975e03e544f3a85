package io.switchover.it.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short host command (ip, iptables, a JVM inside a namespace) to completion with a
 * deadline; a command that outlives it is killed by pid. The bench's own, so the bed's stays as the
 * scenarios use it.
 */
final class Cmd {
    record Result(int exitCode, String output) {}

    private Cmd() {}

    static String run(String... command) {
        Result r = tryRun(Duration.ofSeconds(15), List.of(command));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(
                    "command failed (exit "
                            + r.exitCode()
                            + "): "
                            + String.join(" ", command)
                            + "\n"
                            + r.output());
        }
        return r.output();
    }

    static Result tryRun(Duration timeout, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                p.getInputStream().transferTo(out);
                            } catch (IOException ignored) {
                                // ended or killed
                            }
                        },
                        "cmd-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + ": " + command);
            }
            reader.join(5_000);
            synchronized (out) {
                return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Result(-1, e.toString());
        }
    }

    /** The java launcher of this JVM, to start helper JVMs inside a namespace. */
    static String java() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + "/bin/java");
    }

    /** The classpath entry holding the bench's classes (src-it's test classes). */
    static String benchClasses() {
        try {
            return java.nio.file.Path.of(
                            Cmd.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

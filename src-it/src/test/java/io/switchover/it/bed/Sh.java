package io.switchover.it.bed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host command (ip, iptables, switchoverctl) to completion with a deadline. Output and
 * error are merged so a failure message shows what the command said. Never leaves a process behind:
 * one that outlives its deadline is killed by pid.
 */
final class Sh {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    record Result(int exitCode, String output) {}

    private Sh() {}

    /** Runs and requires exit code 0. */
    static String run(String... command) {
        Result result = tryRun(DEFAULT_TIMEOUT, List.of(command));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "command failed (exit "
                            + result.exitCode()
                            + "): "
                            + String.join(" ", command)
                            + "\n"
                            + result.output());
        }
        return result.output();
    }

    /** Runs and returns whatever happened; exit code -1 when the deadline passed. */
    static Result tryRun(Duration timeout, List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        try {
            process.getOutputStream().close();
            // Output is small (status JSON, ip listings): collect it all, then wait.
            var output = new java.io.ByteArrayOutputStream();
            var reader =
                    new Thread(
                            () -> {
                                try {
                                    process.getInputStream().transferTo(output);
                                } catch (IOException ignored) {
                                    // the process ended or was killed
                                }
                            },
                            "sh-reader");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + ": " + command);
            }
            reader.join(5_000);
            synchronized (output) {
                return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Result(-1, e.toString());
        }
    }

    /** True when {@code name} is an executable on PATH (or in /usr/sbin, /sbin). */
    static boolean onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()
                    && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}

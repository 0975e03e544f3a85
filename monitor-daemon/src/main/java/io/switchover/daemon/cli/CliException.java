package io.switchover.daemon.cli;

/** A failure the CLI reports in one line and turns into its documented exit code. */
final class CliException extends RuntimeException {
    private final ExitCode code;

    CliException(ExitCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ExitCode code() {
        return code;
    }
}

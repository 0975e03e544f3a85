package io.switchover.daemon.hooks;

import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Hook scripts written for a test, and transitions as the core makes them. */
final class TestHooks {
    private TestHooks() {}

    /** An executable {@code /bin/sh} script {@code name} in {@code directory}. */
    static Path script(Path directory, String name, String body) throws IOException {
        Path script = directory.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    static Transition transition(long sequence, State from, State to, Reason.Cause cause) {
        return new Transition(
                sequence, from, to, Reason.of(cause, "test: " + from + " to " + to), sequence, 0);
    }

    /** What the core does on every transition: leave the old role, then enter the new one. */
    static void move(HookRunner runner, Transition transition) {
        runner.roleLeft(transition);
        runner.roleEntered(transition);
    }
}

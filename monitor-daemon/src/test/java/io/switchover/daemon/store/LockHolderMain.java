package io.switchover.daemon.store;

import java.nio.file.Path;

/**
 * A second daemon, as far as the data directory is concerned: run in a child JVM by {@link
 * DataDirectoryTest}. {@code hold DIR} opens DIR, prints {@code locked PID} and holds it until its
 * stdin closes; {@code try DIR} opens and closes it. A refusal prints {@code refused: MESSAGE} and
 * exits with status 3.
 */
public final class LockHolderMain {
    static final int REFUSED = 3;

    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path directory = Path.of(args[1]);
        DataDirectory held;
        try {
            held = DataDirectory.open(directory);
        } catch (DataDirectoryLockedException e) {
            System.out.println("refused: " + e.getMessage());
            System.out.flush();
            System.exit(REFUSED);
            return;
        }
        System.out.println("locked " + ProcessHandle.current().pid());
        System.out.flush();
        if (mode.equals("hold")) {
            // Held until the test closes our stdin (or dies, which closes it too) or kills us.
            while (System.in.read() >= 0) {
                // keep holding
            }
        }
        held.close();
    }
}

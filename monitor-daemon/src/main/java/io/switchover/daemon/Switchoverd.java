package io.switchover.daemon;

import io.switchover.daemon.config.ConfigLoader;
import io.switchover.daemon.config.ConfigResult;
import io.switchover.daemon.config.DaemonConfig;
import io.switchover.daemon.runtime.LoggingSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code switchoverd --config FILE}: validates the whole configuration before anything binds or
 * starts (printing every problem at once), starts the daemon, and shuts it down cleanly on SIGTERM
 * or SIGINT.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when the daemon cannot start (the reason is printed),
 * 2 for a usage or configuration error.
 */
public final class Switchoverd {
    private Switchoverd() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                file = Path.of(args[i].substring("--config=".length()));
            } else if (args[i].equals("--version")) {
                out.println("switchoverd " + release());
                return 0;
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println(
                        "usage: switchoverd --config FILE   (default "
                                + ConfigLoader.DEFAULT_FILE
                                + ")");
                return 0;
            } else {
                err.println("switchoverd: unknown argument '" + args[i] + "'");
                err.println("usage: switchoverd --config FILE");
                return 2;
            }
        }
        if (file == null) {
            file = ConfigLoader.DEFAULT_FILE;
        }
        ConfigResult result = ConfigLoader.load(file);
        if (result instanceof ConfigResult.Invalid invalid) {
            err.print(invalid.render());
            err.flush();
            return 2;
        }
        DaemonConfig config = ((ConfigResult.Valid) result).config();
        Daemon daemon;
        try {
            LoggingSetup.apply(config.logging().dir());
            daemon = Daemon.start(config, release());
        } catch (Exception e) {
            err.println("switchoverd: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    daemon.close();
                                    stopped.countDown();
                                },
                                "switchoverd-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The release this build announces, from the build's version. */
    public static String release() {
        try (InputStream in = Switchoverd.class.getResourceAsStream("release.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String r = p.getProperty("release", "0.0.0");
            return r.startsWith("${") ? "0.0.0" : r;
        } catch (IOException e) {
            return "0.0.0";
        }
    }
}

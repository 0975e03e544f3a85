package io.switchover.client.example;

import io.switchover.client.ModuleClient;
import io.switchover.notifier.session.RejectedException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * An application that is the monitored module: it registers with the daemon and reports itself
 * healthy while a file exists. Delete the file and the backup sees the module refuse its pings
 * (and, after the configured failures, takes over); create it again and the module is fine.
 *
 * <pre>
 * java -cp 'lib/*' io.switchover.client.example.ExampleModule \
 *     127.0.0.1:7401 pair-1 /var/lib/switchover/admin.token app /run/app.healthy
 * </pre>
 *
 * Runs until interrupted (Ctrl-C, SIGTERM), then unregisters.
 */
public final class ExampleModule {

    private ExampleModule() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println(
                    "usage: ExampleModule DAEMON_HOST:PORT CLUSTER TOKEN_FILE MODULE HEALTH_FILE");
            System.exit(2);
        }
        InetSocketAddress daemon = hostPort(args[0]);
        String cluster = args[1];
        byte[] token = ModuleClient.readToken(Path.of(args[2]));
        String module = args[3];
        Path healthFile = Path.of(args[4]);

        ModuleClient client =
                ModuleClient.connect(
                        daemon,
                        cluster,
                        token,
                        module,
                        () -> {
                            // A real application checks what it serves: its database, its queue...
                            if (!Files.exists(healthFile)) {
                                throw new RejectedException(
                                        "health file " + healthFile + " is missing");
                            }
                            return CompletableFuture.completedFuture("health file present");
                        });

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    client.close();
                                    stopped.countDown();
                                },
                                "example-module-shutdown"));
        System.out.println(
                "module '"
                        + module
                        + "' registering with "
                        + daemon
                        + "; healthy while "
                        + healthFile
                        + " exists. Ctrl-C to stop.");
        stopped.await();
    }

    private static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }
}

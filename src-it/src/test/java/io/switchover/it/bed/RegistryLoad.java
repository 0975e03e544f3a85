package io.switchover.it.bed;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A steady registry write load, run in the gateway's namespace ({@code ip netns exec GW java -cp
 * ...}) as a client of the pair: writes key after key ({@code /Load11/KNNNNNN} with value {@code
 * n=NNNNNN}) through the admin API of whichever node is primary, and records every write the daemon
 * <em>acknowledged</em> (HTTP 200) as one line {@code ackMillis key n node}. A write refused
 * because the node is not primary (409) or is handing over (503), or that got no answer, is not
 * recorded and is retried against the other node: a client that follows the primary.
 *
 * <p>Arguments: {@code urlA tokenFileA urlB tokenFileB out pauseMillis maxSeconds maxWrites}. It
 * stops by itself after {@code maxSeconds} or {@code maxWrites}, or when {@code out.stop} exists,
 * and prints its totals. JDK only.
 */
public final class RegistryLoad {
    private RegistryLoad() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        URI[] urls = {URI.create(args[0]), URI.create(args[2])};
        String[] tokens = {
            Files.readString(Path.of(args[1])).trim(), Files.readString(Path.of(args[3])).trim()
        };
        String[] names = {"node-a", "node-b"};
        Path out = Path.of(args[4]);
        long pause = Long.parseLong(args[5]);
        long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[6])).toNanos();
        long maxWrites = Long.parseLong(args[7]);
        Path stop = out.resolveSibling(out.getFileName() + ".stop");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        int target = 0;
        long acked = 0;
        long refused = 0;
        long unanswered = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            long i = 0;
            while (i < maxWrites && System.nanoTime() - end < 0 && !Files.exists(stop)) {
                String key = "/Load11/K%06d".formatted(i);
                HttpRequest put =
                        HttpRequest.newBuilder(urls[target].resolve("/registry?key=" + key))
                                .timeout(Duration.ofSeconds(2))
                                .header("Authorization", "Bearer " + tokens[target])
                                .header("Content-Type", "application/json")
                                .PUT(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"values\":{\"n\":\"%d\"}}".formatted(i)))
                                .build();
                int status;
                try {
                    status = http.send(put, HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (IOException e) {
                    status = -1;
                }
                if (status == 200) {
                    w.write(System.currentTimeMillis() + " " + key + " " + i + " " + names[target]);
                    w.newLine();
                    w.flush();
                    acked++;
                    i++;
                    if (pause > 0) {
                        Thread.sleep(pause);
                    }
                } else {
                    // Not primary (409), handing over (503), no answer: follow the primary.
                    if (status == -1) {
                        unanswered++;
                    } else {
                        refused++;
                    }
                    target = 1 - target;
                    Thread.sleep(20);
                }
            }
        }
        System.out.println(
                "registry load: acked "
                        + acked
                        + ", refused "
                        + refused
                        + ", unanswered "
                        + unanswered);
    }
}

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny program, run inside a node's namespace ({@code ip netns exec NS java -cp ...}), that asks
 * the node's admin API for its role ({@code GET /health}, no token) every {@code interval} and
 * writes one line per answer: {@code sentMillis receivedMillis STATE} (epoch milliseconds of the
 * machine clock the daemons also use; {@code UNREACHABLE} when the API did not answer). It is what
 * a client of the node sees, sampled; {@link RoleTimeline} reads the file.
 *
 * <p>Bounded: it stops by itself after {@code maxSeconds} and when its file's parent directory
 * holds a {@code stop} file, whichever comes first. JDK only, so its class path is just the test
 * classes.
 */
public final class RolePoller {
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");

    private RolePoller() {}

    /** Arguments: url out intervalMillis maxSeconds. */
    public static void main(String[] args) throws IOException, InterruptedException {
        URI health = URI.create(args[0]).resolve("/health");
        Path out = Path.of(args[1]);
        long interval = Long.parseLong(args[2]);
        long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
        Path stop = out.resolveSibling(out.getFileName() + ".stop");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request =
                HttpRequest.newBuilder(health).timeout(Duration.ofMillis(500)).GET().build();
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            while (System.nanoTime() - end < 0 && !Files.exists(stop)) {
                long sent = System.currentTimeMillis();
                String state;
                try {
                    HttpResponse<String> r =
                            http.send(request, HttpResponse.BodyHandlers.ofString());
                    Matcher m = STATE.matcher(r.body());
                    state = r.statusCode() == 200 && m.find() ? m.group(1) : "UNREACHABLE";
                } catch (IOException e) {
                    state = "UNREACHABLE";
                }
                long received = System.currentTimeMillis();
                w.write(sent + " " + received + " " + state + "\n");
                w.flush();
                long left = interval - (received - sent);
                if (left > 0) {
                    Thread.sleep(left);
                }
            }
        }
    }
}

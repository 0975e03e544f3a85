package io.switchover.it.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Prints one admin API resource (e.g. {@code /metrics}) with the node's bearer token. Run inside a
 * node's namespace ({@code ip netns exec NS java ... Scrape URL TOKEN_FILE}), where the admin API
 * listens on the loopback; Java, so nothing (curl) needs installing.
 */
public final class Scrape {
    private Scrape() {}

    public static void main(String[] args) throws Exception {
        String token = Files.readString(Path.of(args[1])).trim();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response =
                client.send(
                        HttpRequest.newBuilder(URI.create(args[0]))
                                .timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println(
                    args[0] + ": HTTP " + response.statusCode() + ": " + response.body());
            System.exit(1);
        }
        System.out.print(response.body());
    }
}

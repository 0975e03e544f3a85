package io.switchover.daemon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts the demo pair from {@code config/demo/} with the packaged {@code bin/switchoverd}, shows
 * both nodes' status, kills the primary's process with SIGKILL, measures how long the backup takes
 * to become primary and prints why, then stops the new primary with SIGTERM. Leaves nothing
 * running, whatever happens.
 *
 * <p>Usage: {@code DemoPair <distribution dir> <config/demo dir>}.
 */
public final class DemoPair {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private record Node(String id, int adminPort, Path dataDir, Path config) {
        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + adminPort + "/" + path);
        }
    }

    private DemoPair() {}

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]).toAbsolutePath();
        Path demo = Path.of(args[1]).toAbsolutePath();
        Node a = new Node("node-a", 7412, demo.resolve("data/node-a"), demo.resolve("node-a.yaml"));
        Node b = new Node("node-b", 7422, demo.resolve("data/node-b"), demo.resolve("node-b.yaml"));
        deleteTree(demo.resolve("data"));
        Process pa = null;
        Process pb = null;
        try {
            say("starting node-a and node-b from " + demo + " (no root needed: probes use TCP)");
            pa = start(dist, a);
            awaitHealthy(a, pa);
            pb = start(dist, b);
            awaitHealthy(b, pb);
            await(
                    "node-a PRIMARY and node-b BACKUP with both connections up",
                    Duration.ofSeconds(30),
                    () ->
                            state(a).equals("PRIMARY")
                                    && state(b).equals("BACKUP")
                                    && status(b).path("pings").has("main"));
            show(a);
            show(b);

            JsonNode put =
                    send(
                            a,
                            "PUT",
                            "registry?key=/demo/pair",
                            "{\"values\":{\"written-on\":\"node-a\",\"before\":\"the crash\"}}");
            say("registry write on node-a: /demo/pair, seq " + put.path("seq").asText());
            await(
                    "the write replicated to node-b",
                    Duration.ofSeconds(30),
                    () -> get(b, "registry?key=/demo/pair").has("values"));
            say(
                    "node-b holds it: "
                            + get(b, "registry?key=/demo/pair").path("values")
                            + " (registry in sync: "
                            + status(b).path("replication").path("registry").path("inSync")
                            + ")");

            say("--- killing node-a's process with SIGKILL (pid " + pa.pid() + ") ---");
            long killed = System.nanoTime();
            pa.destroyForcibly();
            pa.waitFor();
            await("node-b PRIMARY", Duration.ofSeconds(60), () -> state(b).equals("PRIMARY"));
            double seconds = (System.nanoTime() - killed) / 1e9;
            JsonNode after = status(b);
            say(
                    String.format(
                            "node-b took over %.2f s after node-a was killed (generation %s)",
                            seconds, after.path("node").path("generation").asText()));
            say("reason: " + after.path("node").path("explanation").asText());
            say(
                    "the new primary serves the registry written before the crash: "
                            + get(b, "registry?key=/demo/pair").path("values"));
            say("node-b's transitions:");
            for (JsonNode e : get(b, "events?limit=20").path("events")) {
                if (!e.path("type").asText().equals("transition")) {
                    continue;
                }
                System.out.printf(
                        "    %s  %s -> %s  %s: %s%n",
                        e.path("time").asText(),
                        e.path("from").asText(),
                        e.path("to").asText(),
                        e.path("cause").asText(),
                        e.path("detail").asText());
            }

            say("--- stopping node-b with SIGTERM ---");
            pb.destroy();
            pb.waitFor();
            say("node-b exited with " + pb.exitValue() + "; nothing is left running");
        } finally {
            for (Process p : new Process[] {pa, pb}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
    }

    private static Process start(Path dist, Node n) throws IOException {
        Files.createDirectories(n.dataDir());
        Path out = n.dataDir().resolveSibling(n.id() + ".out");
        return new ProcessBuilder(
                        dist.resolve("bin/switchoverd").toString(),
                        "--config",
                        n.config().toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
    }

    private static void awaitHealthy(Node n, Process p) throws Exception {
        await(
                n.id() + " admin API up",
                Duration.ofSeconds(30),
                () -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(
                                n.id()
                                        + " exited with "
                                        + p.exitValue()
                                        + "; see "
                                        + n.dataDir().resolveSibling(n.id() + ".out"));
                    }
                    return health(n);
                });
        say(n.id() + " is up (pid " + p.pid() + "), admin API on 127.0.0.1:" + n.adminPort());
    }

    private static void show(Node n) throws Exception {
        JsonNode s = status(n);
        JsonNode node = s.path("node");
        JsonNode main = s.path("pings").path("main");
        say(
                String.format(
                        "%s: %s, generation %s, connections main=%s aux=%s%s",
                        n.id(),
                        node.path("state").asText(),
                        node.path("generation").asText(),
                        s.path("connections").path("main").asText(),
                        s.path("connections").path("aux").asText(),
                        main.isMissingNode()
                                ? ""
                                : ", last ping "
                                        + main.path("outcome").asText()
                                        + " in "
                                        + main.path("rttMicros").asText()
                                        + " us"));
        say("    why: " + node.path("explanation").asText());
    }

    private static boolean health(Node n) {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(n.uri("health")).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String state(Node n) throws Exception {
        return status(n).path("node").path("state").asText();
    }

    private static JsonNode status(Node n) throws Exception {
        return get(n, "status");
    }

    private static JsonNode get(Node n, String path) throws Exception {
        return send(n, "GET", path, null);
    }

    private static JsonNode send(Node n, String method, String path, String json) throws Exception {
        String token =
                Files.readString(n.dataDir().resolve("admin.token"), StandardCharsets.US_ASCII)
                        .trim();
        HttpRequest.Builder request =
                HttpRequest.newBuilder(n.uri(path)).header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "demo: no " + what + " within " + limit.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private static void say(String what) {
        System.out.println(LocalTime.now().format(TIME) + "  " + what);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }
}

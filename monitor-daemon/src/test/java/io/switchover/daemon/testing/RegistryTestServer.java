package io.switchover.daemon.testing;

import io.switchover.daemon.admin.AdminOperations;
import io.switchover.daemon.admin.AdminServer;
import io.switchover.daemon.admin.AdminServer.RegistrySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@link AdminServer} on a loopback port serving a {@link LocalRegistryOperations}, with its
 * token in a file as a daemon keeps it: for the admin API's, the CLI's and the client's registry
 * tests. The rest of the admin API answers as a lone primary would.
 */
public final class RegistryTestServer implements AutoCloseable {
    public static final String TOKEN = "registry-test-token-0123456789abcdef";

    private final LocalRegistryOperations registry;
    private final AdminServer server;
    private final Path tokenFile;

    private RegistryTestServer(Path dir, RegistrySettings settings) throws IOException {
        this.registry = new LocalRegistryOperations();
        this.tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, TOKEN + "\n", StandardCharsets.US_ASCII);
        this.server =
                new AdminServer(
                        new InetSocketAddress("127.0.0.1", 0),
                        new LonePrimary(),
                        Optional.of(registry),
                        settings,
                        presented -> AdminServer.sameToken(TOKEN, presented),
                        tokenFile.toString());
        server.start();
    }

    /** A server with the default registry settings; {@code dir} receives the token file. */
    public static RegistryTestServer start(Path dir) {
        return start(dir, RegistrySettings.DEFAULT);
    }

    public static RegistryTestServer start(Path dir, RegistrySettings settings) {
        try {
            return new RegistryTestServer(dir, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LocalRegistryOperations registry() {
        return registry;
    }

    /** {@code http://127.0.0.1:port/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    }

    public Path tokenFile() {
        return tokenFile;
    }

    /** A plain HTTP client presenting the right token. */
    public AdminHttp http() {
        return new AdminHttp(url(), Optional.of(TOKEN));
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }

    /** What the rest of the admin API answers: a lone primary that refuses commands. */
    public static final class LonePrimary implements AdminOperations {
        @Override
        public Map<String, Object> status() {
            return Map.of("node", Map.of("id", "node-a", "state", "PRIMARY"));
        }

        @Override
        public List<Map<String, Object>> events(int limit) {
            return List.of();
        }

        @Override
        public CommandAnswer switchover(boolean force) {
            return new CommandAnswer(false, "no peer");
        }

        @Override
        public CommandAnswer rejoin() {
            return new CommandAnswer(false, "not FAILED");
        }

        @Override
        public String metrics() {
            return "";
        }

        @Override
        public String state() {
            return "PRIMARY";
        }
    }
}

package io.switchover.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.daemon.testing.ConsoleHttp;
import io.switchover.daemon.testing.ConsoleHttp.Events;
import io.switchover.daemon.testing.ConsoleHttp.Reply;
import io.switchover.daemon.testing.ConsoleHttp.Session;
import io.switchover.daemon.testing.RegistryTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web console's security over real loopback HTTP against a real admin server: login, the
 * session cookie, CSRF and Origin checks, the headers on every answer, and the live feed's refusal
 * without a session.
 */
class ConsoleEndpointsTest {
    private static final String TOKEN = RegistryTestServer.TOKEN;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private RegistryTestServer server;
    private ConsoleHttp console;

    @BeforeEach
    void start(@org.junit.jupiter.api.io.TempDir Path dir) {
        server = RegistryTestServer.start(dir);
        console = new ConsoleHttp(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- the page

    @ParameterizedTest
    @ValueSource(strings = {"console/", "console/console.js", "console/console.css"})
    void page_served_withSecurityHeaders(String path) {
        Reply r = console.get(path, Map.of());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Security-Policy"))
                .contains("default-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void page_html_noInlineScriptOrStyleAndNothingFromElsewhere() {
        String html = console.get("console/", Map.of()).body();

        assertThat(html).contains("<script src=\"console.js\"").doesNotContain("style=");
        assertThat(html.split("<script").length - 1).isEqualTo(1);
        assertThat(html)
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContain("//cdn");
        assertThat(html).doesNotContain(TOKEN);
    }

    @Test
    void prefixWithoutSlash_redirectsToPage() {
        Reply r = console.get("console", Map.of());

        assertThat(r.status()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/console/");
    }

    // ---------------------------------------------------------------- login

    @Test
    void login_rightToken_sessionCookieHttpOnlySameSiteStrictAndCsrfToken() {
        Reply r = console.login(TOKEN);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie)
                .startsWith("switchover_session_" + server.url().getPort() + "=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");
        String id = r.cookie().split("=", 2)[1];
        assertThat(id).hasSize(43); // 256 bits, base64url
        assertThat(r.json().path("csrf").asText()).hasSize(43).isNotEqualTo(id);
        assertThat(r.json().path("node").asText()).isEqualTo("node-a");
        assertThat(r.body()).doesNotContain(TOKEN);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void login_wrongToken_401AndNoCookie() {
        Reply r = console.login("not-the-token");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("Set-Cookie")).isNull();
        assertThat(r.json().path("error").asText())
                .contains("wrong token")
                .contains(server.tokenFile().toString());
    }

    @Test
    void login_formBody_accepted() {
        Reply r =
                console.send(
                        "POST",
                        "console/login",
                        "token=" + TOKEN,
                        Map.of(
                                "Origin",
                                console.origin(),
                                "Content-Type",
                                "application/x-www-form-urlencoded"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.cookie()).isNotNull();
    }

    @Test
    void login_foreignOrigin_403AndNoCookie() {
        Reply r =
                console.send(
                        "POST",
                        "console/login",
                        "{\"token\":\"" + TOKEN + "\"}",
                        Map.of(
                                "Origin",
                                "http://evil.example",
                                "Content-Type",
                                "application/json"));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("Set-Cookie")).isNull();
        assertThat(r.json().path("error").asText()).contains("cross-site");
    }

    @Test
    void login_withoutOrigin_403() {
        Reply r =
                console.send(
                        "POST",
                        "console/login",
                        "{\"token\":\"" + TOKEN + "\"}",
                        Map.of("Content-Type", "application/json"));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).contains("missing Origin");
    }

    @Test
    void login_repeatedFailures_429EvenForTheRightTokenUntilTheWindowPasses() {
        int allowed = ConsoleSessions.Settings.DEFAULT.maxFailures();
        for (int i = 0; i < allowed; i++) {
            assertThat(console.login("guess-" + i).status()).isEqualTo(401);
        }

        Reply blocked = console.login(TOKEN);

        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.header("Set-Cookie")).isNull();
        assertThat(Long.parseLong(blocked.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(blocked.json().path("error").asText()).contains("too many failed logins");
    }

    @Test
    void tokenInUrl_isNotALogin() {
        Reply r =
                console.send(
                        "POST",
                        "console/login?token=" + TOKEN,
                        "{}",
                        Map.of("Origin", console.origin(), "Content-Type", "application/json"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Set-Cookie")).isNull();
    }

    // ---------------------------------------------------------------- session, CSRF, Origin

    @Test
    void session_withCookie_returnsCsrf_withoutCookie_401() {
        Session s = console.session(TOKEN);

        Reply ok = console.get("console/session", Map.of("Cookie", s.cookie()));
        Reply none = console.get("console/session", Map.of());
        Reply forged = console.get("console/session", Map.of("Cookie", s.cookie() + "x"));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("csrf").asText()).isEqualTo(s.csrf());
        assertThat(none.status()).isEqualTo(401);
        assertThat(forged.status()).isEqualTo(401);
    }

    @Test
    void switch_withSessionOriginAndCsrf_reachesTheDaemon() {
        Session s = console.session(TOKEN);

        Reply r = console.post("console/switch", s);

        // The lone primary refuses: the refusal comes back verbatim, as from the bearer API.
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("accepted").asBoolean()).isFalse();
        assertThat(r.json().path("detail").asText()).isEqualTo("no peer");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @ParameterizedTest
    @ValueSource(strings = {"console/switch", "console/rejoin", "console/logout"})
    void stateChange_withoutCsrfHeader_403(String path) {
        Session s = console.session(TOKEN);

        Reply r =
                console.send(
                        "POST",
                        path,
                        null,
                        Map.of("Origin", console.origin(), "Cookie", s.cookie()));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).contains("missing X-CSRF-Token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"console/switch", "console/rejoin", "console/logout"})
    void stateChange_wrongCsrf_403(String path) {
        Session s = console.session(TOKEN);
        Session other = console.session(TOKEN);

        Reply r = console.post(path, new Session(s.cookie(), other.csrf()));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).contains("wrong X-CSRF-Token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"console/switch", "console/rejoin", "console/logout"})
    void stateChange_foreignOrigin_403(String path) {
        Session s = console.session(TOKEN);

        Reply r =
                console.send(
                        "POST",
                        path,
                        null,
                        Map.of(
                                "Origin",
                                "http://127.0.0.1.evil.example:" + server.url().getPort(),
                                "Cookie",
                                s.cookie(),
                                "X-CSRF-Token",
                                s.csrf()));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).contains("cross-site request refused");
    }

    @Test
    void stateChange_withoutSession_401() {
        Reply r =
                console.send(
                        "POST",
                        "console/switch",
                        null,
                        Map.of("Origin", console.origin(), "X-CSRF-Token", "anything"));

        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void stateChange_get_405() {
        Session s = console.session(TOKEN);

        Reply r = console.get("console/switch", Map.of("Cookie", s.cookie()));

        assertThat(r.status()).isEqualTo(405);
    }

    @Test
    void logout_endsTheSessionAndClearsTheCookie() {
        Session s = console.session(TOKEN);

        Reply r = console.post("console/logout", s);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(console.get("console/session", Map.of("Cookie", s.cookie())).status())
                .isEqualTo(401);
        assertThat(console.post("console/switch", s).status()).isEqualTo(401);
    }

    @Test
    void bearerApi_unchanged_andTheCookieIsNoBearer() {
        Session s = console.session(TOKEN);

        assertThat(server.http().get("status").status()).isEqualTo(200);
        assertThat(server.http().withoutToken().get("status").status()).isEqualTo(401);
        assertThat(console.get("status", Map.of("Cookie", s.cookie())).status()).isEqualTo(401);
        assertThat(
                        console.send(
                                        "POST",
                                        "switch",
                                        null,
                                        Map.of(
                                                "Origin",
                                                console.origin(),
                                                "Cookie",
                                                s.cookie(),
                                                "X-CSRF-Token",
                                                s.csrf()))
                                .status())
                .isEqualTo(401);
    }

    // ---------------------------------------------------------------- live feed

    @Test
    void events_withoutSession_401() {
        try (Events e = console.events(Map.of())) {
            assertThat(e.status()).isEqualTo(401);
        }
    }

    @Test
    void events_withSession_streamsHelloStatusAndHistory() {
        Session s = console.session(TOKEN);

        try (Events e = console.events(Map.of("Cookie", s.cookie()))) {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/event-stream");
            assertThat(e.headers().firstValue("Content-Security-Policy")).isPresent();
            assertThat(e.next("hello", WAIT).json().path("statusMillis").asLong()).isEqualTo(1000);
            assertThat(e.next("status", WAIT).json().path("node").path("id").asText())
                    .isEqualTo("node-a");
            assertThat(e.next("history", WAIT).json().path("events").isArray()).isTrue();
            // ... and a fresh status about once a second after that.
            assertThat(e.next("status", WAIT).json().path("node").path("state").asText())
                    .isEqualTo("PRIMARY");
        }
    }

    @Test
    void events_beyondTheMostPages_503ThenRoomAgainWhenOneCloses() {
        Session s = console.session(TOKEN);
        int most = ConsoleFeed.Settings.DEFAULT.maxClients();
        java.util.List<Events> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < most; i++) {
                Events e = console.events(Map.of("Cookie", s.cookie()));
                open.add(e);
                assertThat(e.status()).isEqualTo(200);
                e.next("history", WAIT);
            }
            try (Events refused = console.events(Map.of("Cookie", s.cookie()))) {
                assertThat(refused.status()).isEqualTo(503);
            }

            open.remove(0).close();

            org.awaitility.Awaitility.await("a place freed by the closed page")
                    .atMost(WAIT)
                    .until(
                            () -> {
                                try (Events again = console.events(Map.of("Cookie", s.cookie()))) {
                                    return again.status() == 200;
                                }
                            });
        } finally {
            open.forEach(Events::close);
        }
    }

    @Test
    void events_logout_endsTheStreamWithAReason() {
        Session s = console.session(TOKEN);

        try (Events e = console.events(Map.of("Cookie", s.cookie()))) {
            e.next("history", WAIT);
            assertThat(console.post("console/logout", s).status()).isEqualTo(200);

            assertThat(e.next("closed", WAIT).json().path("reason").asText())
                    .contains("session ended");
        }
    }
}

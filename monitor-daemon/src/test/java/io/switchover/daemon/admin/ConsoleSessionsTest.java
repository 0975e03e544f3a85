package io.switchover.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Console sessions and login damping on a clock the test moves. */
class ConsoleSessionsTest {
    private static final ConsoleSessions.Settings SETTINGS =
            new ConsoleSessions.Settings(
                    Duration.ofMinutes(30), Duration.ofHours(12), 3, 5, Duration.ofMinutes(1));

    // Start far from zero, and near the long's wrap, so differences are what is compared.
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofMinutes(5).toNanos());
    private final ConsoleSessions sessions = new ConsoleSessions(SETTINGS, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void use_withinIdleTimeout_keepsTheSessionAlive() {
        ConsoleSessions.Session s = sessions.create();
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofMinutes(29));
            assertThat(sessions.use(s.id)).containsSame(s);
        }
    }

    @Test
    void use_afterIdleTimeout_sessionGone() {
        ConsoleSessions.Session s = sessions.create();
        advance(Duration.ofMinutes(30));

        assertThat(sessions.use(s.id)).isEmpty();
        assertThat(sessions.count()).isZero();
    }

    @Test
    void use_afterLifetime_sessionGoneEvenIfUsed() {
        ConsoleSessions.Session s = sessions.create();
        for (int i = 0; i < 24; i++) {
            advance(Duration.ofMinutes(29));
            sessions.use(s.id);
        }
        advance(Duration.ofMinutes(29));

        assertThat(sessions.use(s.id)).isEmpty();
    }

    @Test
    void live_doesNotExtendTheIdleTimeout() {
        ConsoleSessions.Session s = sessions.create();
        advance(Duration.ofMinutes(20));
        assertThat(sessions.live(s.id)).isTrue();
        advance(Duration.ofMinutes(10));

        assertThat(sessions.live(s.id)).isFalse();
    }

    @Test
    void create_beyondMax_endsTheLeastRecentlyUsed() {
        ConsoleSessions.Session a = sessions.create();
        ConsoleSessions.Session b = sessions.create();
        ConsoleSessions.Session c = sessions.create();
        sessions.use(a.id);

        ConsoleSessions.Session d = sessions.create();

        assertThat(sessions.use(b.id)).isEmpty();
        assertThat(sessions.use(a.id)).isPresent();
        assertThat(sessions.use(c.id)).isPresent();
        assertThat(sessions.use(d.id)).isPresent();
    }

    @Test
    void create_idsAndCsrfTokensAreRandomAndDistinct() {
        ConsoleSessions.Session a = sessions.create();
        ConsoleSessions.Session b = sessions.create();

        assertThat(a.id).hasSize(43).isNotEqualTo(b.id).isNotEqualTo(a.csrf);
        assertThat(a.csrfMatches(a.csrf)).isTrue();
        assertThat(a.csrfMatches(b.csrf)).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
    }

    @Test
    void loginFailed_belowLimit_notBlocked_atLimit_blockedUntilOldestLeavesWindow() {
        for (int i = 0; i < 4; i++) {
            sessions.loginFailed("10.0.0.1");
            advance(Duration.ofSeconds(1));
        }
        assertThat(sessions.loginBlockedFor("10.0.0.1")).isZero();

        sessions.loginFailed("10.0.0.1");

        // the first failure was 4 s ago: it leaves the one-minute window in 56 s
        assertThat(sessions.loginBlockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(56));
        assertThat(sessions.loginBlockedFor("10.0.0.2")).isZero();
        advance(Duration.ofSeconds(56));
        assertThat(sessions.loginBlockedFor("10.0.0.1")).isZero();
    }

    @Test
    void loginSucceeded_forgetsTheFailures() {
        for (int i = 0; i < 4; i++) {
            sessions.loginFailed("10.0.0.1");
        }
        sessions.loginSucceeded("10.0.0.1");
        sessions.loginFailed("10.0.0.1");

        assertThat(sessions.loginBlockedFor("10.0.0.1")).isZero();
    }
}

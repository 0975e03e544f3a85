package io.switchover.daemon.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The web console's logins: sessions (a random 256-bit id, kept by the browser in an HttpOnly
 * cookie, with a CSRF token of its own) that expire when idle and after an absolute lifetime, and
 * the damping of failed logins per source address.
 *
 * <p>It never sees the admin token itself (the caller checks it) and never sleeps: a source with
 * too many recent failures is told how long to wait instead of being held on one of the admin
 * server's two threads.
 */
final class ConsoleSessions {
    /**
     * Limits of the console's sessions and logins.
     *
     * @param idle a session nobody used for this long is gone (an open live page uses it)
     * @param lifetime a session older than this is gone, used or not
     * @param maxSessions sessions at once; a new login ends the least recently used one
     * @param maxFailures failed logins from one source within {@code failureWindow} before its
     *     further attempts are refused unchecked until the oldest failure leaves the window
     */
    record Settings(
            Duration idle,
            Duration lifetime,
            int maxSessions,
            int maxFailures,
            Duration failureWindow) {
        static final Settings DEFAULT =
                new Settings(
                        Duration.ofMinutes(30), Duration.ofHours(12), 32, 5, Duration.ofMinutes(1));

        Settings {
            if (maxSessions < 1 || maxFailures < 1) {
                throw new IllegalArgumentException("console limits must be positive");
            }
        }
    }

    /** One logged-in browser. */
    static final class Session {
        final String id;
        final String csrf;
        final long createdNanos;
        long usedNanos;

        private Session(String id, String csrf, long nowNanos) {
            this.id = id;
            this.csrf = csrf;
            this.createdNanos = nowNanos;
            this.usedNanos = nowNanos;
        }

        /** Constant-time check of the CSRF token a request presented. */
        boolean csrfMatches(String presented) {
            return presented != null
                    && MessageDigest.isEqual(
                            csrf.getBytes(StandardCharsets.US_ASCII),
                            presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Sources remembered for damping; beyond this the oldest are forgotten. */
    private static final int MAX_SOURCES = 1024;

    private final Settings settings;
    private final LongSupplier nanos;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>();

    ConsoleSessions(Settings settings, LongSupplier nanos) {
        this.settings = settings;
        this.nanos = nanos;
    }

    /** A new session; the least recently used one ends if there are too many. */
    synchronized Session create() {
        long now = nanos.getAsLong();
        expire(now);
        if (sessions.size() >= settings.maxSessions()) {
            Iterator<String> lru = sessions.keySet().iterator();
            lru.next();
            lru.remove();
        }
        Session s = new Session(randomId(32), randomId(32), now);
        sessions.put(s.id, s);
        return s;
    }

    /** The live session with {@code id}, marked as used now; empty when unknown or expired. */
    synchronized Optional<Session> use(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        expire(now);
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        s.usedNanos = now;
        return Optional.of(s);
    }

    /** Whether {@code id} is still a live session, without marking it used. */
    synchronized boolean live(String id) {
        expire(nanos.getAsLong());
        return sessions.containsKey(id);
    }

    synchronized void end(String id) {
        sessions.remove(id);
    }

    synchronized int count() {
        expire(nanos.getAsLong());
        return sessions.size();
    }

    /**
     * How long {@code source} must wait before its next login is checked: zero while it has fewer
     * than the allowed failures within the window.
     */
    synchronized Duration loginBlockedFor(String source) {
        long now = nanos.getAsLong();
        Deque<Long> times = failures.get(source);
        if (times == null) {
            return Duration.ZERO;
        }
        forgetOld(times, now);
        if (times.isEmpty()) {
            failures.remove(source);
            return Duration.ZERO;
        }
        if (times.size() < settings.maxFailures()) {
            return Duration.ZERO;
        }
        long until = times.peekFirst() + settings.failureWindow().toNanos();
        return Duration.ofNanos(Math.max(until - now, 1_000_000));
    }

    synchronized void loginFailed(String source) {
        long now = nanos.getAsLong();
        if (!failures.containsKey(source) && failures.size() >= MAX_SOURCES) {
            failures.entrySet().removeIf(e -> forgetOld(e.getValue(), now));
            if (failures.size() >= MAX_SOURCES) {
                Iterator<String> oldest = failures.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        Deque<Long> times = failures.computeIfAbsent(source, s -> new ArrayDeque<>());
        forgetOld(times, now);
        times.addLast(now);
    }

    synchronized void loginSucceeded(String source) {
        failures.remove(source);
    }

    /** Drops failures older than the window; true when none are left. */
    private boolean forgetOld(Deque<Long> times, long now) {
        long window = settings.failureWindow().toNanos();
        while (!times.isEmpty() && now - times.peekFirst() >= window) {
            times.removeFirst();
        }
        return times.isEmpty();
    }

    private void expire(long now) {
        long idle = settings.idle().toNanos();
        long lifetime = settings.lifetime().toNanos();
        sessions.values()
                .removeIf(s -> now - s.usedNanos >= idle || now - s.createdNanos >= lifetime);
    }

    private String randomId(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

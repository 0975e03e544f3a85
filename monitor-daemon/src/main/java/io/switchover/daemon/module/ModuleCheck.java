package io.switchover.daemon.module;

import io.switchover.notifier.session.PeerHandlers;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Asks the monitored module, on this host, whether it is fine.
 *
 * <p>Contract of every implementation: {@link #check} returns at once, without blocking the
 * caller's thread (a notifier event loop); the stage completes within roughly {@code timeout},
 * either with a short detail ({@code "connected"}, {@code "GET /health: 200"}) or exceptionally
 * with a {@link io.switchover.notifier.session.RejectedException} whose message says why the module
 * is not fine, in words an operator reading the backup's log understands.
 */
public interface ModuleCheck {

    /** Checks the module once. */
    CompletionStage<String> check(Duration timeout);

    /** What is checked, for logs and status, e.g. {@code tcp 127.0.0.1:5432}. */
    String describe();

    /**
     * This check as the notifier's answer to module pings, each checked with {@code timeout}.
     * Register it with {@link PeerHandlers#module(String, PeerHandlers.ModuleHandler)} under the
     * monitored module's name.
     */
    default PeerHandlers.ModuleHandler asModuleHandler(Duration timeout) {
        return (from, module) -> check(timeout);
    }
}

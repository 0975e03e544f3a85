package io.switchover.client;

import io.switchover.notifier.session.RejectedException;
import java.util.concurrent.CompletionStage;

/**
 * The application's answer to "is the module fine?", asked each time the backup pings the module.
 *
 * <p>Return a stage that completes with a short detail ({@code "serving 42 sessions"}) when the
 * application is fine, or fail it (or throw) with a {@link RejectedException} whose message says
 * why not ({@code "database connection lost"}); that reason is what the backup logs. Any other
 * failure is reported as a failed handler. Answer within the daemon's module-ping timeout, or the
 * ping counts as unanswered.
 *
 * <p>Called on a thread of the {@link ModuleClient}, one call at a time, so a blocking
 * implementation is allowed; but while it blocks, further pings wait behind it.
 */
@FunctionalInterface
public interface ModuleHealth {

    CompletionStage<String> check() throws RejectedException;
}

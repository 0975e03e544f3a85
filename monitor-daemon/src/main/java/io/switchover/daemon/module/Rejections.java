package io.switchover.daemon.module;

import io.switchover.core.time.Durations;
import io.switchover.notifier.session.RejectedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The one place a check's failure becomes a {@link RejectedException} and its timeout is kept. */
final class Rejections {

    private Rejections() {}

    /**
     * A stage that completes like {@code work}, but fails with {@code "<what>: no answer within
     * <timeout>"} when {@code work} has not completed by then, and whose failures are always bare
     * {@link RejectedException}s prefixed with {@code what}.
     */
    static CompletableFuture<String> bounded(
            CompletableFuture<String> work, Duration timeout, String what) {
        CompletableFuture<String> result = new CompletableFuture<>();
        work.orTimeout(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)
                .whenComplete(
                        (detail, error) -> {
                            if (error == null) {
                                result.complete(detail);
                            } else {
                                result.completeExceptionally(rejection(error, timeout, what));
                            }
                        });
        return result;
    }

    /**
     * Runs {@code task} on {@code blocking}, off the caller's thread; when the executor refuses it
     * (the daemon is stopping), {@code work} fails saying so.
     */
    static void runBlocking(
            Executor blocking, Runnable task, CompletableFuture<String> work, String what) {
        try {
            blocking.execute(task);
        } catch (RejectedExecutionException e) {
            work.completeExceptionally(
                    new RejectedException(
                            what + ": the daemon is not running checks (" + e.getMessage() + ")"));
        }
    }

    /** {@code error} as the rejection the backup will read. */
    static RejectedException rejection(Throwable error, Duration timeout, String what) {
        Throwable e = unwrap(error);
        if (e instanceof RejectedException rejected) {
            return rejected;
        }
        if (e instanceof TimeoutException) {
            return new RejectedException(what + ": no answer within " + Durations.format(timeout));
        }
        String message = e.getMessage();
        return new RejectedException(
                what
                        + ": "
                        + e.getClass().getSimpleName()
                        + (message == null || message.isBlank() ? "" : ": " + message));
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}

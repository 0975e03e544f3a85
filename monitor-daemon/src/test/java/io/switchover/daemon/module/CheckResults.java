package io.switchover.daemon.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.switchover.notifier.session.RejectedException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waits for a check's answer, with a bound, and unwraps it. */
final class CheckResults {
    private CheckResults() {}

    /** The detail of a check that must succeed. */
    static String detail(CompletionStage<String> check) throws Exception {
        return check.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The reason of a check that must be refused with a {@link RejectedException}. */
    static String rejection(CompletionStage<String> check) {
        Throwable failure =
                catchThrowable(() -> check.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOf(RejectedException.class);
        return failure.getCause().getMessage();
    }
}

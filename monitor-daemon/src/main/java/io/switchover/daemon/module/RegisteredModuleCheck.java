package io.switchover.daemon.module;

import io.switchover.client.ModuleClient;
import io.switchover.core.time.Durations;
import io.switchover.notifier.session.Outcome;
import io.switchover.notifier.session.PeerConnection;
import io.switchover.notifier.session.RejectedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The module is an application registered at the {@link ModuleEndpoint}: it is pinged over its own
 * connection and answers for itself. Its detail and its refusal reason pass through unchanged; an
 * application that is not registered is refused with {@code module 'app' has not registered with
 * node-a}.
 */
public final class RegisteredModuleCheck implements ModuleCheck {
    private final ModuleEndpoint endpoint;
    private final String module;

    public RegisteredModuleCheck(ModuleEndpoint endpoint, String module) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.module = ModuleClient.checkedModuleName(module);
    }

    @Override
    public String describe() {
        return "registered module '" + module + "'";
    }

    @Override
    public CompletionStage<String> check(Duration timeout) {
        Optional<PeerConnection> connection = endpoint.connection(module);
        if (connection.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new RejectedException(
                            "module '"
                                    + module
                                    + "' has not registered with "
                                    + endpoint.nodeId()));
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        connection
                .get()
                .pingModule(module, timeout)
                .thenAccept(
                        outcome -> {
                            if (outcome instanceof Outcome.Success<String> success) {
                                answer.complete(success.value());
                            } else {
                                answer.completeExceptionally(
                                        new RejectedException(reason(outcome, timeout)));
                            }
                        });
        return answer;
    }

    private String reason(Outcome<String> outcome, Duration timeout) {
        String m = "module '" + module + "'";
        return switch (outcome.kind()) {
            case REJECTED -> ((Outcome.Rejected<String>) outcome).reason();
            case TIMEOUT -> m + " did not answer within " + Durations.format(timeout);
            case CONNECTION_LOSS ->
                    m
                            + " disconnected from "
                            + endpoint.nodeId()
                            + " during the ping: "
                            + ((Outcome.ConnectionLoss<String>) outcome).detail();
            case CANCELLED ->
                    m + " ping cancelled: " + ((Outcome.Cancelled<String>) outcome).reason();
            case SUCCESS -> throw new IllegalStateException("success is not a refusal");
        };
    }
}

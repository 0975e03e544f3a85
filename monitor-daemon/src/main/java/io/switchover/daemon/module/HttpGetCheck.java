package io.switchover.daemon.module;

import io.switchover.core.time.Durations;
import io.switchover.notifier.session.RejectedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The module is fine when a GET of {@code url} answers with {@code expectedStatus}. Redirects are
 * not followed: a redirect to a login or error page is not the module's health page answering. The
 * body is discarded.
 */
public final class HttpGetCheck implements ModuleCheck {
    private final URI url;
    private final int expectedStatus;
    private final HttpClient client;

    public HttpGetCheck(URI url, int expectedStatus) {
        this.url = Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || url.getHost() == null) {
            throw new IllegalArgumentException(
                    "HTTP module check: '"
                            + url
                            + "' is not an http:// or https:// URL with a host");
        }
        if (expectedStatus < 100 || expectedStatus > 599) {
            throw new IllegalArgumentException(
                    "HTTP module check: expected status "
                            + expectedStatus
                            + " is outside [100, 599]");
        }
        this.expectedStatus = expectedStatus;
        this.client =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
    }

    @Override
    public String describe() {
        return "GET " + url;
    }

    @Override
    public CompletionStage<String> check(Duration timeout) {
        HttpRequest request =
                HttpRequest.newBuilder(url)
                        .GET()
                        .timeout(
                                timeout.isZero() || timeout.isNegative()
                                        ? Duration.ofMillis(1)
                                        : timeout)
                        .header("User-Agent", "switchoverd module check")
                        .build();
        CompletableFuture<HttpResponse<Void>> exchange = send(request);
        CompletableFuture<String> work =
                exchange.handle(
                        (response, error) -> {
                            if (error != null) {
                                if (Rejections.unwrap(error) instanceof HttpTimeoutException) {
                                    throw new RejectedException(
                                            describe()
                                                    + ": no answer within "
                                                    + Durations.format(timeout));
                                }
                                throw Rejections.rejection(error, timeout, describe());
                            }
                            if (response.statusCode() != expectedStatus) {
                                throw new RejectedException(
                                        describe()
                                                + ": answered "
                                                + response.statusCode()
                                                + ", expected "
                                                + expectedStatus);
                            }
                            return describe() + ": " + response.statusCode();
                        });
        CompletionStage<String> bounded = Rejections.bounded(work, timeout, describe());
        // A check that gave up must not leave the exchange running behind it.
        bounded.whenComplete((detail, error) -> exchange.cancel(true));
        return bounded;
    }

    private CompletableFuture<HttpResponse<Void>> send(HttpRequest request) {
        try {
            return client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

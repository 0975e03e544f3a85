package io.switchover.notifier.session;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node answers when the peer asks: the module handler for module pings, and handlers for
 * named requests, notification topics and stream topics. Handlers may be registered and removed at
 * any time; they are called on a connection's event loop and must not block.
 */
public final class PeerHandlers {
    /** Answers a module ping: completes with a short detail, or exceptionally to refuse. */
    @FunctionalInterface
    public interface ModuleHandler {
        CompletionStage<String> ping(PeerConnection from, String module);
    }

    /** Answers a named request: completes with the reply body, or exceptionally to refuse. */
    @FunctionalInterface
    public interface RequestHandler {
        CompletionStage<byte[]> handle(PeerConnection from, byte[] body);
    }

    /**
     * Receives notifications of one topic, in sequence order. The handler acknowledges with {@link
     * Acknowledger#ack()} once it has made the notification durable; acknowledgements are
     * cumulative, so acknowledge in order.
     */
    @FunctionalInterface
    public interface NotificationHandler {
        void onNotification(PeerConnection from, long seq, byte[] body, Acknowledger ack);
    }

    /** Acknowledges one received notification; may be called from any thread. */
    @FunctionalInterface
    public interface Acknowledger {
        void ack();
    }

    /** Accepts an incoming stream by returning its receiver, or throws to refuse it. */
    @FunctionalInterface
    public interface StreamHandler {
        StreamReceiver open(PeerConnection from, byte[] header);
    }

    private final Map<String, ModuleHandler> modules = new ConcurrentHashMap<>();
    private final Map<String, RequestHandler> requests = new ConcurrentHashMap<>();
    private final Map<String, NotificationHandler> notifications = new ConcurrentHashMap<>();
    private final Map<String, StreamHandler> streams = new ConcurrentHashMap<>();

    /** Registers the handler that answers pings of the named module; replaces any earlier one. */
    public PeerHandlers module(String module, ModuleHandler handler) {
        modules.put(module, Objects.requireNonNull(handler));
        return this;
    }

    public void removeModule(String module) {
        modules.remove(module);
    }

    public PeerHandlers request(String operation, RequestHandler handler) {
        requests.put(operation, Objects.requireNonNull(handler));
        return this;
    }

    public PeerHandlers notifications(String topic, NotificationHandler handler) {
        notifications.put(topic, Objects.requireNonNull(handler));
        return this;
    }

    public PeerHandlers streams(String topic, StreamHandler handler) {
        streams.put(topic, Objects.requireNonNull(handler));
        return this;
    }

    ModuleHandler module(String module) {
        return modules.get(module);
    }

    RequestHandler request(String operation) {
        return requests.get(operation);
    }

    NotificationHandler notifications(String topic) {
        return notifications.get(topic);
    }

    StreamHandler streams(String topic) {
        return streams.get(topic);
    }
}

package io.switchover.core.port;

import java.util.Objects;

/** Every port the core needs, handed over in one piece by the daemon's wiring. */
public record Ports(
        PeerLink peerLink,
        NetworkProbe networkProbe,
        GenerationStore generationStore,
        Replication replication,
        Actions actions) {

    public Ports {
        Objects.requireNonNull(peerLink, "peerLink");
        Objects.requireNonNull(networkProbe, "networkProbe");
        Objects.requireNonNull(generationStore, "generationStore");
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(actions, "actions");
    }
}

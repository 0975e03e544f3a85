package io.switchover.daemon.snmp;

import java.util.Objects;
import java.util.Optional;

/**
 * One SNMP manager that receives the traps: where it listens and how traps are secured for it.
 * {@link #name()} ({@code host:port} as configured) labels its counters in metrics and status.
 */
public sealed interface SnmpReceiver {

    /** The receiver's host name or IP address; resolved at each send, on the sender's thread. */
    String host();

    /** The receiver's UDP port (162 by default). */
    int port();

    /** The version, as the configuration writes it: {@code v2c} or {@code v3}. */
    String version();

    /** {@code host:port}, with an IPv6 address in brackets. */
    default String name() {
        return (host().indexOf(':') >= 0 ? "[" + host() + "]" : host()) + ":" + port();
    }

    /** SNMPv2c: the community travels in clear text; use it only on a trusted network. */
    record V2c(String host, int port, Passphrase community) implements SnmpReceiver {
        public V2c {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(community, "community");
        }

        @Override
        public String version() {
            return "v2c";
        }
    }

    /**
     * SNMPv3 with the user-based security model: authenticated ({@code authNoPriv}) or
     * authenticated and encrypted ({@code authPriv}, when {@code priv} is not {@link
     * PrivProtocol#NONE}). Traps are sent with this daemon's engine ID as the authoritative one, so
     * the receiver must know the user under that engine ID.
     */
    record V3(
            String host,
            int port,
            String user,
            AuthProtocol auth,
            Passphrase authPassphrase,
            PrivProtocol priv,
            Optional<Passphrase> privPassphrase)
            implements SnmpReceiver {
        public V3 {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(authPassphrase, "authPassphrase");
            Objects.requireNonNull(priv, "priv");
            Objects.requireNonNull(privPassphrase, "privPassphrase");
            if ((priv == PrivProtocol.NONE) != privPassphrase.isEmpty()) {
                throw new IllegalArgumentException(
                        "a privacy passphrase goes with a privacy protocol, and only with one");
            }
        }

        @Override
        public String version() {
            return "v3";
        }
    }
}

package io.switchover.daemon.config;

import io.switchover.daemon.snmp.AuthProtocol;
import io.switchover.daemon.snmp.EngineIds;
import io.switchover.daemon.snmp.Passphrase;
import io.switchover.daemon.snmp.PrivProtocol;
import io.switchover.daemon.snmp.SnmpReceiver;
import io.switchover.daemon.snmp.SnmpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code snmp} section: the engine, the queue and the receivers of the traps, with the
 * secrets read from their files. Its own class so that the SNMP rules read in one place.
 */
final class SnmpSection {

    /** RFC 3414 asks for passphrases of at least 8 octets; a community is held to the same. */
    static final int MIN_SECRET_BYTES = 8;

    static final int MAX_QUEUE_SIZE = 100_000;

    /** usmUserName is 1 to 32 octets; kept to characters safe in any receiver's configuration. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    private static final String USER_RULE =
            "must be 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private static final Map<String, String> VERSIONS = versions();

    private final Binding binding;

    private SnmpSection(Binding binding) {
        this.binding = binding;
    }

    static SnmpSettings bind(Binding binding, Section section) {
        return new SnmpSection(binding).read(section);
    }

    private SnmpSettings read(Section section) {
        Optional<SnmpSettings.EngineId> engineId =
                section.value("engine-id", "an engine ID in hexadecimal", EngineIds::parse);
        int queueSize =
                section.integer("queue-size", 1, MAX_QUEUE_SIZE)
                        .orElse(SnmpSettings.DEFAULT_QUEUE_SIZE);
        List<Section> entries =
                section.sections(
                                "receivers",
                                "address",
                                "a receiver's host:port",
                                "{address: 10.0.0.9:162, version: v3, user: switchover,"
                                        + " auth-passphrase-file: snmp-auth, priv-passphrase-file:"
                                        + " snmp-priv}")
                        .orElse(List.of());
        List<Bound> receivers = new ArrayList<>();
        for (Section entry : entries) {
            receiver(entry).ifPresent(receivers::add);
        }
        section.finish();
        duplicates(receivers);
        if (binding.hasProblemWithin(section.path())) {
            return SnmpSettings.NONE;
        }
        return new SnmpSettings(
                engineId, queueSize, receivers.stream().map(Bound::receiver).toList());
    }

    /** A receiver and the list entry that configures it, for cross-entry messages. */
    private record Bound(SnmpReceiver receiver, Section entry) {}

    private Optional<Bound> receiver(Section entry) {
        Optional<HostPort> address = entry.hostPort("address");
        entry.require("address", address, " (the SNMP manager's host:port, usually port 162)");
        Optional<String> version = entry.choice("version", VERSIONS);
        entry.require("version", version, ": v2c or v3");
        Optional<Path> community = entry.filePath("community-file", "a file path");
        Optional<String> user = entry.value("user", "a user name", SnmpSection::user);
        AuthProtocol auth =
                entry.choice("auth-protocol", AuthProtocol.byConfigName())
                        .orElse(AuthProtocol.DEFAULT);
        Optional<Path> authFile = entry.filePath("auth-passphrase-file", "a file path");
        PrivProtocol priv =
                entry.choice("priv-protocol", PrivProtocol.byConfigName())
                        .orElse(PrivProtocol.DEFAULT);
        Optional<Path> privFile = entry.filePath("priv-passphrase-file", "a file path");
        entry.finish();
        if (version.isEmpty() || address.isEmpty()) {
            return Optional.empty();
        }
        String onlyV3 = "applies only to version v3; this receiver is v2c";
        String onlyV2c = "applies only to version v2c; this receiver is v3";
        if (version.get().equals("v2c")) {
            for (String key :
                    List.of(
                            "user",
                            "auth-protocol",
                            "auth-passphrase-file",
                            "priv-protocol",
                            "priv-passphrase-file")) {
                entry.notApplicable(key, onlyV3);
            }
            entry.require("community-file", community, " for version v2c");
            Optional<Passphrase> secret =
                    community.flatMap(f -> secret(entry, "community-file", f));
            if (binding.hasProblemWithin(entry.path())) {
                return Optional.empty();
            }
            return Optional.of(
                    new Bound(
                            new SnmpReceiver.V2c(
                                    address.get().host(), address.get().port(), secret.get()),
                            entry));
        }
        entry.notApplicable("community-file", onlyV2c);
        entry.require("user", user, " for version v3 (the USM user the receiver knows)");
        entry.require("auth-passphrase-file", authFile, " for version v3");
        Optional<Passphrase> authSecret =
                authFile.flatMap(f -> secret(entry, "auth-passphrase-file", f));
        Optional<Passphrase> privSecret = Optional.empty();
        if (priv == PrivProtocol.NONE) {
            entry.notApplicable(
                    "priv-passphrase-file",
                    "applies only with a privacy protocol; priv-protocol is none");
        } else {
            entry.require(
                    "priv-passphrase-file",
                    privFile,
                    " for priv-protocol " + priv.configName() + " (or priv-protocol: none)");
            privSecret = privFile.flatMap(f -> secret(entry, "priv-passphrase-file", f));
        }
        if (binding.hasProblemWithin(entry.path())) {
            return Optional.empty();
        }
        return Optional.of(
                new Bound(
                        new SnmpReceiver.V3(
                                address.get().host(),
                                address.get().port(),
                                user.get(),
                                auth,
                                authSecret.get(),
                                priv,
                                privSecret),
                        entry));
    }

    /**
     * Two entries for one address would send every trap twice and share one line of metrics; two v3
     * entries with one user name but different credentials cannot both hold, since the user is this
     * engine's, whatever the receiver.
     */
    private void duplicates(List<Bound> receivers) {
        for (int j = 1; j < receivers.size(); j++) {
            Bound later = receivers.get(j);
            for (int i = 0; i < j; i++) {
                Bound earlier = receivers.get(i);
                if (later.receiver().name().equals(earlier.receiver().name())) {
                    problemAt(
                            later.entry().keyPath("address"),
                            "is also listed at " + earlier.entry().path() + "; list it once");
                    break;
                }
                if (later.receiver() instanceof SnmpReceiver.V3 a
                        && earlier.receiver() instanceof SnmpReceiver.V3 b
                        && a.user().equals(b.user())
                        && !sameCredentials(a, b)) {
                    problemAt(
                            later.entry().keyPath("user"),
                            "is also the user of "
                                    + earlier.entry().path()
                                    + " with other protocols or passphrases; a user has one set"
                                    + " of credentials for this node, whatever the receiver");
                    break;
                }
            }
        }
    }

    private static boolean sameCredentials(SnmpReceiver.V3 a, SnmpReceiver.V3 b) {
        return a.auth() == b.auth()
                && a.priv() == b.priv()
                && Arrays.equals(a.authPassphrase().bytes(), b.authPassphrase().bytes())
                && Arrays.equals(
                        a.privPassphrase().map(Passphrase::bytes).orElse(new byte[0]),
                        b.privPassphrase().map(Passphrase::bytes).orElse(new byte[0]));
    }

    /**
     * A secret from its file: a readable regular file that only its owner may read or write, of at
     * most 4096 bytes, holding at least 8 once a trailing newline is removed.
     */
    private Optional<Passphrase> secret(Section entry, String key, Path file) {
        String path = entry.keyPath(key);
        Optional<String> unreadable = FileChecks.readableFile(file);
        if (unreadable.isPresent()) {
            problemAt(path, unreadable.get());
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : permissions) {
                if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                    problemAt(
                            path,
                            "may be read by others than its owner (mode "
                                    + java.nio.file.attribute.PosixFilePermissions.toString(
                                            permissions)
                                    + "); a secret file must be owner-only (chmod 600): "
                                    + file);
                    return Optional.empty();
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // A file system without POSIX permissions has no mode to check.
        } catch (IOException e) {
            problemAt(path, "cannot be read (" + e.getMessage() + "): " + file);
            return Optional.empty();
        }
        byte[] bytes;
        try {
            if (Files.size(file) > ConfigBinder.MAX_SECRET_FILE_BYTES) {
                problemAt(
                        path,
                        "is larger than "
                                + ConfigBinder.MAX_SECRET_FILE_BYTES
                                + " bytes, not a secret file: "
                                + file);
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problemAt(path, "cannot be read (" + e.getMessage() + "): " + file);
            return Optional.empty();
        }
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
        }
        if (length < MIN_SECRET_BYTES) {
            problemAt(
                    path,
                    "holds "
                            + length
                            + " bytes (without a trailing newline); an SNMP secret needs at least "
                            + MIN_SECRET_BYTES
                            + ": "
                            + file);
            return Optional.empty();
        }
        return Optional.of(new Passphrase(file, Arrays.copyOf(bytes, length)));
    }

    private void problemAt(String key, String message) {
        binding.problem(key, binding.written(key).orElse(null), message);
    }

    private static String user(String text) {
        if (!USER.matcher(text).matches()) {
            throw new IllegalArgumentException(USER_RULE);
        }
        return text;
    }

    private static Map<String, String> versions() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("v2c", "v2c");
        map.put("v3", "v3");
        return map;
    }
}

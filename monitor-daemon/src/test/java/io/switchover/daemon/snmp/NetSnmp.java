package io.switchover.daemon.snmp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Net-SNMP's tools as the tests find them: {@code snmptrapd} and {@code snmptranslate} (Debian
 * packages {@code snmptrapd} and {@code snmp}), and the directories holding the SMIv2 base MIBs
 * (SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF, SNMP-FRAMEWORK-MIB) that SWITCHOVER-MIB imports. Debian's
 * own net-snmp packages ship none of those (they are non-free there); {@code erlang-snmp} in Debian
 * main does, under {@code /usr/lib/erlang/lib/snmp-VERSION/mibs}, and so does
 * snmp-mibs-downloader's {@code /usr/share/snmp/mibs/ietf} where it is installed.
 */
final class NetSnmp {

    private static final List<Path> BIN_DIRS =
            List.of(
                    Path.of("/usr/sbin"),
                    Path.of("/usr/bin"),
                    Path.of("/usr/local/sbin"),
                    Path.of("/usr/local/bin"));

    private NetSnmp() {}

    /** The repository's config/snmp, holding SWITCHOVER-MIB. */
    static Path mibDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path mibs = dir.resolve("config/snmp");
            if (Files.isRegularFile(mibs.resolve("SWITCHOVER-MIB.txt"))) {
                return mibs;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("run the tests inside the repository");
    }

    static Optional<Path> tool(String name) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(BIN_DIRS);
        return dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    /** The system's MIB directories that exist, SMIv2 base MIBs first. */
    static List<Path> systemMibDirs() {
        List<Path> dirs = new ArrayList<>();
        Path erlang = Path.of("/usr/lib/erlang/lib");
        if (Files.isDirectory(erlang)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(erlang, "snmp-*")) {
                for (Path p : s) {
                    if (Files.isDirectory(p.resolve("mibs"))) {
                        dirs.add(p.resolve("mibs"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String d :
                List.of(
                        "/usr/share/snmp/mibs/ietf",
                        "/usr/share/snmp/mibs/iana",
                        "/usr/share/snmp/mibs")) {
            if (Files.isDirectory(Path.of(d))) {
                dirs.add(Path.of(d));
            }
        }
        return dirs;
    }

    /** The {@code -M} argument: config/snmp, then the system's MIB directories. */
    static String mibPath() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(mibDir());
        dirs.addAll(systemMibDirs());
        return dirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    /** Why the tests that need Net-SNMP cannot run here, or empty when they can. */
    static Optional<String> missing() {
        List<String> missing = new ArrayList<>();
        if (tool("snmptrapd").isEmpty()) {
            missing.add("snmptrapd (Debian package snmptrapd)");
        }
        if (tool("snmptranslate").isEmpty()) {
            missing.add("snmptranslate (Debian package snmp)");
        }
        boolean baseMibs = false;
        for (Path d : systemMibDirs()) {
            baseMibs |=
                    Files.exists(d.resolve("SNMPv2-SMI.mib"))
                            || Files.exists(d.resolve("SNMPv2-SMI.txt"))
                            || Files.exists(d.resolve("SNMPv2-SMI"));
        }
        if (!baseMibs) {
            missing.add("the SMIv2 base MIBs, SNMPv2-SMI and others (Debian package erlang-snmp)");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String why =
                "SKIPPED: Net-SNMP tests need "
                        + String.join(", ", missing)
                        + "; .ci/run installs them (apt-get install snmp snmptrapd erlang-snmp)";
        System.err.println(why);
        return Optional.of(why);
    }
}

package io.switchover.daemon.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The SNMPv3 engine boots counter in the file {@code snmp-engine-boots} of the data directory: the
 * decimal number and a newline.
 *
 * <p>An SNMPv3 receiver accepts an authenticated trap only if its (boots, time) is not older than
 * the last one it saw from the engine; time restarts at 0 with each start, so boots must grow by
 * one at each start, or a restarted daemon's traps would be rejected as replays until its uptime
 * caught up. {@link #next} therefore stores the new value durably before the first trap is sent. A
 * damaged file is an error naming the file, as for the generation: silently starting again at 1
 * would make receivers reject the traps.
 */
public final class SnmpEngineBoots {

    /** The file's name in the data directory. */
    public static final String FILE = "snmp-engine-boots";

    /** RFC 3414: snmpEngineBoots stops at 2147483647; the engine then needs a new engine ID. */
    static final int MAX = Integer.MAX_VALUE;

    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}\n?");

    private SnmpEngineBoots() {}

    /**
     * Reads the counter (0 when the file does not exist), adds one, stores it durably and returns
     * it.
     *
     * @param directory open (locked) data directory
     * @throws StorageException if the file cannot be read, does not hold a number, or the new value
     *     cannot be stored
     */
    public static int next(DataDirectory directory) {
        Path file = directory.resolve(FILE);
        long previous = load(file);
        int next = (int) Math.min(previous + 1, MAX);
        try {
            DurableFiles.replace(file, (next + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new StorageException(
                    "could not store the SNMP engine boots " + next + " in " + file + ": " + e, e);
        }
        return next;
    }

    private static long load(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new StorageException(
                    "could not read SNMP engine boots file " + file + ": " + e.getMessage(), e);
        }
        if (!NUMBER.matcher(text).matches() || Long.parseLong(text.strip()) > MAX) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw new StorageException(
                    "SNMP engine boots file "
                            + file
                            + " is corrupt: expected a decimal number up to "
                            + MAX
                            + ", found \""
                            + shown.replace("\n", "\\n")
                            + "\"; remove it only together with a change of snmp.engine-id, or"
                            + " SNMPv3 receivers will reject this node's traps until its uptime"
                            + " passes the last one they saw");
        }
        return Long.parseLong(text.strip());
    }
}

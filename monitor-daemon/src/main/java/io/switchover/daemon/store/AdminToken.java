package io.switchover.daemon.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's token: 32 random bytes, kept as 64 lowercase hex characters (and a newline) in
 * the file {@code admin.token} of the data directory, mode {@code 0600}. The daemon creates it on
 * its first start and loads it afterwards; {@code switchoverctl} reads it to authenticate.
 *
 * <p>The file is created with mode {@code 0600} from its first moment (temporary file created with
 * those permissions, then renamed), so there is no window in which another user could read it. A
 * token file found with other permissions is set back to {@code 0600} with a warning.
 *
 * <p>The token must never appear in a log line or an exception message: {@link #toString()} names
 * the file only.
 */
public final class AdminToken {
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    /** The file's name in the data directory. */
    public static final String FILE = "admin.token";

    private static final int SECRET_BYTES = 32;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}\n?");
    private static final HexFormat LOWER_HEX = HexFormat.of();

    private final Path file;
    private final byte[] secret;
    private final byte[] presentable;

    private AdminToken(Path file, byte[] secret) {
        this.file = file;
        this.secret = secret;
        this.presentable = LOWER_HEX.formatHex(secret).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The daemon's token: loaded from the data directory, or generated and stored there on the
     * first start.
     *
     * @throws StorageException if the file exists but is unreadable or not a token, or if a new one
     *     cannot be stored
     */
    public static AdminToken loadOrCreate(DataDirectory directory) {
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            ownerOnly(file);
            return read(file);
        }
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        AdminToken token = new AdminToken(file, secret);
        try {
            // Written with the newline so that `cat` and shell substitution both work.
            byte[] content =
                    (LOWER_HEX.formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
            DurableFiles.replace(file, content);
        } catch (IOException e) {
            throw new StorageException(
                    "could not store a new admin token in " + file + ": " + e.getMessage(), e);
        }
        log.info("generated a new admin token in {}", file);
        return token;
    }

    /**
     * Reads the token of the daemon whose data directory is {@code dataDirectory}, without taking
     * the directory's lock (for {@code switchoverctl}, while the daemon holds it).
     *
     * @throws StorageException if there is no token, it cannot be read or it is not a token
     */
    public static AdminToken load(Path dataDirectory) {
        return read(dataDirectory.toAbsolutePath().resolve(FILE));
    }

    /** The 32 secret bytes, for use as a shared secret (e.g. an HMAC key). A copy. */
    public byte[] secret() {
        return secret.clone();
    }

    /** The token as a client presents it: 64 lowercase hex characters. */
    public String value() {
        return new String(presentable, StandardCharsets.US_ASCII);
    }

    /**
     * Whether {@code presented} is this token, in time that does not depend on how much of it is
     * right, so that the token cannot be guessed one character at a time.
     */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        // MessageDigest.isEqual runs over the whole of its first argument whatever the second
        // holds; the expected value goes first so the time depends only on its (public) length.
        return MessageDigest.isEqual(presentable, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The file the token is kept in. */
    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "AdminToken[" + file + "]";
    }

    private static void ownerOnly(Path file) {
        try {
            DurableFiles.setPermissions(
                    file,
                    DurableFiles.OWNER_READ_WRITE,
                    log,
                    "if other users could read the admin token, delete it and restart the daemon"
                            + " to generate a new one");
        } catch (IOException e) {
            throw new StorageException(
                    "could not set the permissions of admin token "
                            + file
                            + " to rw-------: "
                            + e.getMessage(),
                    e);
        }
    }

    private static AdminToken read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StorageException(
                    "no admin token at "
                            + file
                            + ": has switchoverd started with this data directory yet?",
                    e);
        } catch (AccessDeniedException e) {
            throw new StorageException(
                    "not allowed to read admin token "
                            + file
                            + ": run as the daemon's user (or root)",
                    e);
        } catch (IOException e) {
            throw new StorageException(
                    "could not read admin token " + file + ": " + e.getMessage(), e);
        }
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (!HEX.matcher(text).matches()) {
            // The content is not shown: it might be a secret written in the wrong format.
            throw new StorageException(
                    "admin token file "
                            + file
                            + " is corrupt: expected 64 lowercase hex characters ("
                            + content.length
                            + " bytes found); delete it and restart the daemon to generate a new"
                            + " one");
        }
        return new AdminToken(file, LOWER_HEX.parseHex(text.strip()));
    }
}

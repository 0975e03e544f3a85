package io.switchover.daemon.store;

/**
 * Durable state could not be read or written. The message names the file and says what is wrong
 * with it, so that it can be shown to an operator as is.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

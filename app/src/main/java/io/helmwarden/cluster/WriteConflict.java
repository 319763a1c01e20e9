package io.helmwarden.cluster;

/** An object changed between its read and its write, so the write was refused rather than overwrite it. */
public class WriteConflict extends RuntimeException {
    public WriteConflict(String message) {
        super(message);
    }
}

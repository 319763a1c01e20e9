package io.helmwarden.cluster;

/** An object a write needs no longer exists; the message names it, for people. */
public class ObjectGone extends RuntimeException {
    public ObjectGone(String message) {
        super(message);
    }
}

package io.helmwarden.cluster;

/** A cluster acts as the signed-in person, and no person is known for the write (the message says why). */
public class NoPersonToActAs extends RuntimeException {
    public NoPersonToActAs(String message) {
        super(message);
    }
}

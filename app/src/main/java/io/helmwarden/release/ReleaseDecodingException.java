package io.helmwarden.release;

/** A release record whose payload cannot be read; the message says why, for the user. */
public class ReleaseDecodingException extends Exception {

    public ReleaseDecodingException(String message) {
        super(message);
    }
}

package io.helmwarden.remediation;

/** A step cannot go on; the message says why, for people (the run shows it, and the audit log keeps it). */
public class StepFailed extends RuntimeException {
    public StepFailed(String message) {
        super(message);
    }
}

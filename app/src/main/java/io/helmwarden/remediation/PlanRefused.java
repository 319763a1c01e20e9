package io.helmwarden.remediation;

/**
 * A remediation cannot start: its plan refuses, another run holds the Tiller, or the run is not in a state
 * the action applies to. The message says why, for people; the web layer answers 409 with it.
 */
public class PlanRefused extends RuntimeException {
    public PlanRefused(String message) {
        super(message);
    }
}

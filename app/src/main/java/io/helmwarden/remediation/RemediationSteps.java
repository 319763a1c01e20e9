package io.helmwarden.remediation;

/** The cluster side of one remediation run: its steps, executed by name. */
interface RemediationSteps {

    /** A step cannot go on; the message says why, for people. */
    final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message);
        }
    }

    /**
     * Runs one step; idempotent, so a step interrupted after its effect can run again.
     *
     * @return what it did, for the run's record and the audit log
     * @throws StepFailed when it cannot go on (the message says why, for people)
     */
    String execute(String step);
}

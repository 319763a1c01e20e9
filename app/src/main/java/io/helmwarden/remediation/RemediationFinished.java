package io.helmwarden.remediation;

/** Published when a run ends, done or failed, so the workflows that started it can move on. */
public record RemediationFinished(String runId, String remediation, String tillerId, RemediationRun.State state,
        String error) {
}

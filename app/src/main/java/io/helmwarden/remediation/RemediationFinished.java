package io.helmwarden.remediation;

import io.helmwarden.inventory.TillerId;

/**
 * Published when a run ends, done or failed, so the workflows that started it can move on.
 *
 * @param kind null for a run that names no remediation of this version (it failed without doing anything)
 */
public record RemediationFinished(String runId, RemediationKind kind, TillerId tiller, RemediationRun.State state,
        String error) {
}

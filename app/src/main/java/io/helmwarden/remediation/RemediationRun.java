package io.helmwarden.remediation;

import io.helmwarden.cluster.ClusterIdentity;
import io.helmwarden.inventory.TillerId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A remediation run as stored: who asked, for which Tiller, each step's state, and whom it acts as in a cluster
 * that acts as the signed-in person.
 */
public record RemediationRun(String id, String tillerId, String team, String remediation, State state, String requestedBy,
        Instant createdAt, Instant updatedAt, String storageNamespace, Integer originalReplicas, String error,
        List<StepState> steps, RunParameters parameters, Optional<ClusterIdentity> actingAs) {

    public enum State { RUNNING, DONE, FAILED }

    public enum StepStatus { PENDING, RUNNING, DONE, FAILED }

    public record StepState(int index, String name, StepStatus status, Instant startedAt, Instant finishedAt,
            String detail) {
    }

    public TillerId tiller() {
        return TillerId.parse(tillerId);
    }

    public String cluster() {
        return tiller().cluster();
    }

    public String namespace() {
        return tiller().namespace();
    }

    public String tillerName() {
        return tiller().name();
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}

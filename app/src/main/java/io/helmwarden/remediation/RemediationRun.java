package io.helmwarden.remediation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A remediation run as stored: who asked, for which Tiller, and each step's state. */
public record RemediationRun(String id, String tillerId, String team, String remediation, State state, String requestedBy,
        Instant createdAt, Instant updatedAt, String storageNamespace, Integer originalReplicas, String error,
        List<StepState> steps, Map<String, String> parameters) {

    public enum State { RUNNING, DONE, FAILED }

    public enum StepStatus { PENDING, RUNNING, DONE, FAILED }

    public record StepState(int index, String name, StepStatus status, Instant startedAt, Instant finishedAt,
            String detail) {
    }

    public String cluster() {
        return tillerId.split("/", 3)[0];
    }

    public String namespace() {
        return tillerId.split("/", 3)[1];
    }

    public String tillerName() {
        return tillerId.split("/", 3)[2];
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}

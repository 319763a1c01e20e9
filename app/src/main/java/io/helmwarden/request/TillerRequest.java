package io.helmwarden.request;

import java.time.Instant;
import java.util.List;

/** A team lead's request for a Tiller, as stored, with its history. */
public record TillerRequest(String id, String team, String cluster, String tillerNamespace, List<String> namespaces,
        String justification, int historyMax, String helmVersion, State state, String requestedBy, String decidedBy,
        String decisionComment, String runId, Instant createdAt, Instant updatedAt, List<Event> history) {

    /**
     * submitted → approved / rejected; approved → provisioning → ready / failed; submitted → withdrawn;
     * ready → decommission requested → decommissioning → decommissioned / failed (or back to ready, declined).
     */
    public enum State {
        SUBMITTED, APPROVED, REJECTED, WITHDRAWN, PROVISIONING, READY, FAILED, DECOMMISSION_REQUESTED,
        DECOMMISSIONING, DECOMMISSIONED;

        public boolean open() {
            return this == SUBMITTED || this == APPROVED || this == PROVISIONING;
        }

        /** Provisioning or decommissioning is under way. */
        public boolean working() {
            return this == PROVISIONING || this == DECOMMISSIONING;
        }
    }

    public record Event(Instant at, String actor, State from, State to, String comment) {
    }

    public String tillerId() {
        return cluster + "/" + tillerNamespace + "/tiller-deploy";
    }
}

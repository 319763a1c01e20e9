package io.helmwarden.remediation;

import io.helmwarden.audit.AuditEvent;
import io.helmwarden.cluster.ActAs;
import io.helmwarden.cluster.ClusterIdentity;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.inventory.Tiller;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Before a plan runs in a cluster that acts as the signed-in person: whether the API server lets that person do
 * every step (SubjectAccessReview for them and their groups), so the preview tells the truth and a plan with a
 * denied step cannot be started. The cluster still decides at every write; this is what the person sees first.
 */
@Component
public class PersonRights {

    private final ClusterRegistry clusters;

    PersonRights(ClusterRegistry clusters) {
        this.clusters = clusters;
    }

    /** One right a step needs, and the API server's answer for the person. */
    public record Checked(StepRight.Needed right, boolean allowed) {
    }

    /**
     * @param person how the API server knows the person; empty when their ID token has no user-name claim
     */
    public record Check(Optional<ClusterIdentity> person, List<Checked> rights) {

        public boolean allowed() {
            return person.isPresent() && rights.stream().allMatch(Checked::allowed);
        }

        public List<Checked> denied() {
            return rights.stream().filter(checked -> !checked.allowed()).toList();
        }

        /** Why the plan cannot start as this person, naming each missing right and what would grant it. */
        public Optional<String> refusal() {
            if (person.isEmpty()) {
                return Optional.of("this cluster acts as the signed-in person, and your ID token names no user for it"
                        + " (helmwarden.access.cluster-username-claim): Helm Warden cannot act as you there");
            }
            if (allowed()) {
                return Optional.empty();
            }
            // Each missing right once, with the steps that need it.
            var steps = new java.util.LinkedHashMap<String, List<String>>();
            denied().forEach(checked -> steps.computeIfAbsent(checked.right().describe(), right -> new java.util.ArrayList<>())
                    .add(checked.right().step()));
            return Optional.of(person.get().describe() + " may not " + steps.entrySet().stream()
                    .map(entry -> entry.getKey() + " (step" + (entry.getValue().size() > 1 ? "s " : " ")
                            + String.join(", ", entry.getValue()) + ")")
                    .collect(Collectors.joining(", ")) + ". A RoleBinding in each of those namespaces (a"
                    + " ClusterRoleBinding for what is cluster-wide) to a Role allowing it, for " + person.get().user()
                    + " or one of their groups, grants it.");
        }
    }

    /** The check for this plan and person; empty where the Tiller's cluster writes with Helm Warden's own identity. */
    public Optional<Check> check(RemediationPlan plan, Tiller tiller, AuditEvent.Actor actor) {
        return check(plan.kind(), plan.tillerId(), tiller.storage().namespace(), plan.parameters(), actor);
    }

    /** The check for a run of this kind not planned on a Tiller's page (a rollback: it has no preview of its own). */
    public Optional<Check> check(RemediationKind kind, String tillerId, String storageNamespace, RunParameters parameters,
            AuditEvent.Actor actor) {
        String clusterId = io.helmwarden.inventory.TillerId.parse(tillerId).cluster();
        var cluster = clusters.find(clusterId).filter(c -> c.actAs() == ActAs.PERSON);
        if (cluster.isEmpty()) {
            return Optional.empty();
        }
        Optional<ClusterIdentity> person = ClusterIdentity.of(actor.clusterUser(), actor.clusterGroups());
        if (person.isEmpty()) {
            return Optional.of(new Check(person, List.of()));
        }
        var objects = clusters.objects(clusterId).orElseThrow();
        // Several steps need the same right (three update the Deployment): the API server is asked once for each.
        var answers = new java.util.HashMap<String, Boolean>();
        List<Checked> rights = kind.rightsNeeded(tillerId, storageNamespace, parameters).stream()
                .map(right -> new Checked(right, answers.computeIfAbsent(right.describe(), key -> objects.mayThey(
                        person.get(), right.verb(), right.group(), right.resource(), right.namespace()))))
                .toList();
        return Optional.of(new Check(person, rights));
    }
}

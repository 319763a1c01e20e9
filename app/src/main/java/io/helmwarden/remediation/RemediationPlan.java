package io.helmwarden.remediation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plan of one remediation on a Tiller, computed from the inventory alone ({@link RemediationKind#plan}):
 * the steps with their before and after, why it cannot run (if it cannot), what the person must explicitly
 * accept, the changes offered one by one, and the parameters the run keeps so a resumed run does exactly what
 * was previewed.
 */
public record RemediationPlan(RemediationKind kind, String tillerId, List<PlanStep> steps, Optional<String> refusal,
        List<String> toAccept, List<Option> options, RunParameters parameters) {

    /**
     * A change the plan offers but does not make unless the person ticks it, one by one: a cluster-wide binding
     * reaches every namespace, so taking a subject out of it is never part of the default.
     *
     * @param id          what the form sends back (a ClusterRoleBinding's name and the subject, encoded)
     * @param description what the person accepts, in words
     */
    public record Option(String id, String description) {
    }

    /** The plan with more consequences to accept, which only the caller knows (e.g. client certificates). */
    public RemediationPlan accepting(List<String> more) {
        List<String> all = new ArrayList<>(toAccept);
        all.addAll(more);
        return new RemediationPlan(kind, tillerId, steps, refusal, List.copyOf(all), options, parameters);
    }

    /**
     * The plan with the options the person ticked; ids the plan did not offer are refused, so a forged form
     * cannot name another binding.
     *
     * @throws PlanChanged when an id is not one this plan offers
     */
    public RemediationPlan choosing(Collection<String> chosen) {
        if (chosen.isEmpty()) {
            return this;
        }
        Set<String> offered = options.stream().map(Option::id).collect(Collectors.toSet());
        List<String> unknown = chosen.stream().filter(id -> !offered.contains(id)).toList();
        if (!unknown.isEmpty()) {
            throw new PlanChanged("not offered by this plan: " + String.join(", ", unknown));
        }
        List<String> accepted = new ArrayList<>(toAccept);
        options.stream().filter(option -> chosen.contains(option.id())).forEach(option -> accepted.add(option.description()));
        return new RemediationPlan(kind, tillerId, steps, refusal, List.copyOf(accepted), options,
                parameters.with(RunParameters.Key.CLUSTER_BINDINGS, chosen.stream().sorted().distinct().toList()));
    }

    /** What a form sent does not match the plan computed now: the person reviews it again. */
    public static class PlanChanged extends RuntimeException {
        public PlanChanged(String message) {
            super(message);
        }
    }
}

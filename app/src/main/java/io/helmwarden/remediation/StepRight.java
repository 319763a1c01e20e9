package io.helmwarden.remediation;

import java.util.List;
import java.util.stream.Stream;

/**
 * A right a step needs in the cluster, as RBAC names it, and where: in the Tiller's namespace, in its storage's,
 * in each namespace the plan lists, in the namespaces of the RoleBindings the plan lists, or cluster-wide. Where a
 * cluster acts as the signed-in person, the preview asks the API server whether the person holds each one.
 */
public record StepRight(String verb, String group, String resource, Scope scope) {

    public enum Scope { TILLER, STORAGE, LISTED_NAMESPACES, LISTED_BINDINGS, CLUSTER }

    static final StepRight UPDATE_DEPLOYMENT = inTiller("update", "apps", "deployments");
    static final StepRight LIST_PODS = inTiller("list", "", "pods");
    /** A step that creates the TLS Secret where it is missing and updates it otherwise: asks for both. */
    static final StepRight CREATE_SECRET = inTiller("create", "", "secrets");
    static final StepRight UPDATE_SECRET = inTiller("update", "", "secrets");

    static StepRight rbac(String verb, String resource, Scope scope) {
        return new StepRight(verb, "rbac.authorization.k8s.io", resource, scope);
    }

    static StepRight inTiller(String verb, String group, String resource) {
        return new StepRight(verb, group, resource, Scope.TILLER);
    }

    /** The resource of the Tiller's release records, ConfigMaps or Secrets, as the plan's parameters name it. */
    static final String RECORDS = "(release records)";

    static StepRight onRecords(String verb) {
        return new StepRight(verb, "", RECORDS, Scope.STORAGE);
    }

    static StepRight inListed(String verb, String resource) {
        return new StepRight(verb, "", resource, Scope.LISTED_NAMESPACES);
    }

    static StepRight inStorage(String verb, String resource) {
        return new StepRight(verb, "", resource, Scope.STORAGE);
    }

    /** One right of a step of a plan, where it applies. */
    public record Needed(String step, String verb, String group, String resource, String namespace) {

        /** "update apps/deployments in payments-tiller", or "... cluster-wide". */
        public String describe() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource
                    + (namespace == null ? " cluster-wide" : " in " + namespace);
        }
    }

    /** Where this right applies for a plan. */
    Stream<Needed> in(String step, String tillerNamespace, String storageNamespace, RunParameters parameters) {
        List<String> namespaces = switch (scope) {
            case TILLER -> List.of(tillerNamespace);
            case STORAGE -> List.of(storageNamespace);
            case LISTED_NAMESPACES -> parameters.list(RunParameters.Key.NAMESPACES);
            case LISTED_BINDINGS -> parameters.roleBindingNamespaces().stream().distinct().toList();
            case CLUSTER -> java.util.Collections.singletonList(null);
        };
        String named = RECORDS.equals(resource) ? parameters.text(RunParameters.Key.STORAGE_RESOURCE).orElse("configmaps")
                : resource;
        return namespaces.stream().map(namespace -> new Needed(step, verb, group, named, namespace));
    }
}

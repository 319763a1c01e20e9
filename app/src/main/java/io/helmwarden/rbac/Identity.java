package io.helmwarden.rbac;

import java.util.Set;

/** Who asks, as the API server authenticates them: a user name and groups. */
public record Identity(String user, Set<String> groups) {

    public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    public Identity {
        groups = Set.copyOf(groups);
    }

    /** A service account, with the groups the API server gives every service account. */
    public static Identity serviceAccount(String namespace, String name) {
        return new Identity(SERVICE_ACCOUNT_PREFIX + namespace + ":" + name, Set.of("system:serviceaccounts",
                "system:serviceaccounts:" + namespace, "system:authenticated"));
    }

    /** Whether a binding's subject names this identity. */
    boolean matches(io.fabric8.kubernetes.api.model.rbac.Subject subject, String bindingNamespace) {
        if (subject == null || subject.getKind() == null) {
            return false;
        }
        return switch (subject.getKind()) {
            case "User" -> user.equals(subject.getName());
            case "Group" -> groups.contains(subject.getName());
            case "ServiceAccount" -> {
                String namespace = subject.getNamespace() != null && !subject.getNamespace().isEmpty()
                        ? subject.getNamespace() : bindingNamespace;
                yield user.equals(SERVICE_ACCOUNT_PREFIX + namespace + ":" + subject.getName());
            }
            default -> false;
        };
    }
}

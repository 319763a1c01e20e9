package io.helmwarden.rbac;

/**
 * One thing to authorize, as a SubjectAccessReview states it. {@code namespace} null means a cluster-scoped
 * request; {@code name} null means any (list, create).
 */
public record AccessRequest(String verb, String apiGroup, String resource, String subresource, String namespace,
        String name) {

    public static AccessRequest of(String verb, String apiGroup, String resource, String namespace) {
        int slash = resource.indexOf('/');
        return slash < 0 ? new AccessRequest(verb, apiGroup, resource, null, namespace, null)
                : new AccessRequest(verb, apiGroup, resource.substring(0, slash), resource.substring(slash + 1), namespace,
                        null);
    }

    public AccessRequest inNamespace(String otherNamespace) {
        return new AccessRequest(verb, apiGroup, resource, subresource, otherNamespace, name);
    }

    @Override
    public String toString() {
        String what = (apiGroup == null || apiGroup.isEmpty() ? "" : apiGroup + "/") + resource
                + (subresource == null ? "" : "/" + subresource);
        return verb + " " + what + (namespace == null ? " (cluster-wide)" : " in " + namespace);
    }
}

package io.helmwarden.inventory;

/**
 * A Tiller's id: its cluster, namespace and workload name, written {@code cluster/namespace/name} in URLs, runs
 * and audit entries (the same namespace and name exist on every cluster).
 */
public record TillerId(String cluster, String namespace, String name) {

    public TillerId {
        if (cluster == null || cluster.isEmpty() || namespace == null || namespace.isEmpty() || name == null
                || name.isEmpty() || cluster.contains("/") || namespace.contains("/")) {
            throw new IllegalArgumentException("a Tiller id is cluster/namespace/name: " + cluster + "/" + namespace + "/" + name);
        }
    }

    /** @throws IllegalArgumentException when the text is not {@code cluster/namespace/name} */
    public static TillerId parse(String id) {
        String[] parts = id == null ? new String[0] : id.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a Tiller id is cluster/namespace/name: " + id);
        }
        return new TillerId(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return cluster + "/" + namespace + "/" + name;
    }
}

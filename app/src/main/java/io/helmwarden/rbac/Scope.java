package io.helmwarden.rbac;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Where an identity may do something: everywhere, or in exactly these namespaces. */
public record Scope(boolean clusterWide, SortedSet<String> namespaces) {

    public static Scope everywhere() {
        return new Scope(true, new TreeSet<>());
    }

    public static Scope of(Set<String> namespaces) {
        return new Scope(false, new TreeSet<>(namespaces));
    }

    public boolean includes(String namespace) {
        return clusterWide || namespaces.contains(namespace);
    }

    public boolean isEmpty() {
        return !clusterWide && namespaces.isEmpty();
    }
}

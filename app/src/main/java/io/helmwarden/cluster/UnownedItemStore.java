package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Objects;

/**
 * An informer store for kinds whose objects are mostly a controller's (a Deployment's ReplicaSets and their
 * Pods): it keeps only objects no controller owns, so a cluster's thousands of pods cost nothing in memory,
 * and it drops managed fields. An object that gains an owner leaves the store.
 */
final class UnownedItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    UnownedItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public T put(String key, T object) {
        if (controlled(object)) {
            return super.remove(key);
        }
        object.getMetadata().setManagedFields(null);
        return super.put(key, object);
    }

    static boolean controlled(HasMetadata object) {
        return Objects.requireNonNullElse(object.getMetadata().getOwnerReferences(), List.<OwnerReference>of()).stream()
                .anyMatch(owner -> Boolean.TRUE.equals(owner.getController()));
    }
}

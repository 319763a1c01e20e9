package io.helmwarden.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.Consumer;

/**
 * An informer store that keeps only what Helm Warden reads of each object: it trims an object (drops
 * payloads, keys, managed fields) before storing it, so the cache never holds release values or keys.
 */
final class TrimmingItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    private final Consumer<T> trim;

    TrimmingItemStore(Consumer<T> trim) {
        super(Cache::metaNamespaceKeyFunc);
        this.trim = trim;
    }

    @Override
    public T put(String key, T object) {
        object.getMetadata().setManagedFields(null);
        trim.accept(object);
        return super.put(key, object);
    }
}

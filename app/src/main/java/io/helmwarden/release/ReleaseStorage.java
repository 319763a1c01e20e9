package io.helmwarden.release;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a Tiller keeps its release records: Tiller's {@code --storage} backends that live in the API (its
 * {@code memory} and {@code sql} drivers keep nothing there). One place for the three spellings each has.
 */
public enum ReleaseStorage {
    CONFIGMAP("configmap", "ConfigMap", "configmaps"),
    SECRET("secret", "Secret", "secrets");

    private final String flag;
    private final String kind;
    private final String resource;

    ReleaseStorage(String flag, String kind, String resource) {
        this.flag = flag;
        this.kind = kind;
        this.resource = resource;
    }

    /** As {@code --storage} names it. */
    public String flag() {
        return flag;
    }

    /** The Kubernetes kind of its records. */
    public String kind() {
        return kind;
    }

    /** The API resource of its records, as RBAC rules name it. */
    public String resource() {
        return resource;
    }

    /** The backend a {@code --storage} value names; empty for memory, sql or anything else. */
    public static Optional<ReleaseStorage> ofFlag(String flag) {
        return Arrays.stream(values()).filter(storage -> storage.flag.equalsIgnoreCase(flag)).findFirst();
    }
}

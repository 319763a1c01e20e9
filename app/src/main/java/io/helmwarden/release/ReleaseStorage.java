package io.helmwarden.release;

/** Where a Tiller keeps its release records: Tiller's {@code --storage} backends that live in the API. */
public enum ReleaseStorage {
    CONFIGMAP("ConfigMap"),
    SECRET("Secret");

    private final String kind;

    ReleaseStorage(String kind) {
        this.kind = kind;
    }

    /** The Kubernetes kind holding the records. */
    public String kind() {
        return kind;
    }
}

package io.helmwarden.release;

/** Where a Tiller keeps its release records: Tiller's {@code --storage} backends that live in the API. */
public enum ReleaseStorage {
    CONFIGMAP,
    SECRET
}

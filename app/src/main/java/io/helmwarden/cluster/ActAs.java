package io.helmwarden.cluster;

/**
 * Whose identity Helm Warden's writes to a cluster go out with ({@code helmwarden.clusters[n].act-as}).
 */
public enum ActAs {
    /**
     * The signed-in person's, by impersonation: the API server authorizes every write as that person and their
     * groups, so Helm Warden can never do more in the cluster than the person who clicked. Its own identity needs
     * to read what it watches and to impersonate, nothing that writes.
     */
    PERSON,
    /** Helm Warden's own: it needs every right the remediations use, and the app's own role rules are the only check. */
    HELM_WARDEN
}

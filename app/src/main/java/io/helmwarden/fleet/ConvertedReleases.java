package io.helmwarden.fleet;

import java.util.List;

/**
 * The releases Helm Warden converted from Helm 2 to Helm 3 and has not undone, as its conversion ledger keeps them
 * (the remediation feature implements this; the fleet only counts).
 */
public interface ConvertedReleases {

    /** One converted release, once however many revisions were written. */
    record Converted(String tillerId, String team, String namespace, String release) {

        public String cluster() {
            return tillerId.substring(0, tillerId.indexOf('/'));
        }
    }

    List<Converted> converted();
}

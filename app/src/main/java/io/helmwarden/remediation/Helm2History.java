package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.SecretData;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.release.Release;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Helm 2 release's stored revisions as Tiller keeps them in its storage namespace, decoded: the input of a
 * conversion to Helm 3. A record that does not decode is kept with its reason (helm-2to3 skips those silently).
 *
 * @param release the release name, from the records' NAME label
 */
record Helm2History(String release, List<Revision> revisions) {

    /** Labels Helm Warden puts on v2 records it handed over to Helm 3: Tiller no longer lists them. */
    static final String HANDED_OVER_OWNER = "HELM-WARDEN-CONVERTED";
    static final String CONVERSION_RUN_LABEL = "helm-warden.io/converted-by-run";
    /** Up to this many releases are read by name; more are read in one list. */
    private static final int FEW = 10;

    /**
     * @param record  the object's name
     * @param payload the payload string, for a record that decoded
     */
    record Revision(String record, int revision, Optional<Release> decoded, Optional<String> unreadable, String payload,
            HasMetadata object) {
    }

    Optional<Revision> newest() {
        return revisions.stream().max(Comparator.comparingInt(Revision::revision));
    }

    /**
     * Every release's history in a storage namespace (or only the named releases), read with the owner label given:
     * {@code TILLER} for records Tiller reads, {@link #HANDED_OVER_OWNER} for those a conversion handed over.
     */
    static Map<String, Helm2History> read(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage,
            List<String> releases, String owner) {
        // A few releases are asked for by name; more (a whole Tiller) in one list, kept to those named.
        List<Map<String, String>> selectors = new ArrayList<>();
        if (releases.isEmpty() || releases.size() > FEW) {
            selectors.add(Map.of(ReleaseRecords.OWNER_LABEL, owner));
        } else {
            releases.forEach(name -> selectors.add(Map.of(ReleaseRecords.OWNER_LABEL, owner, ReleaseRecords.NAME_LABEL, name)));
        }
        java.util.Set<String> wanted = java.util.Set.copyOf(releases);
        Map<String, List<Revision>> byRelease = new TreeMap<>();
        for (Map<String, String> labels : selectors) {
            List<? extends HasMetadata> objects = storage == ReleaseStorage.SECRET
                    ? cluster.secrets().list(storageNamespace, labels) : cluster.configMaps().list(storageNamespace, labels);
            for (HasMetadata object : objects) {
                Map<String, String> objectLabels = object.getMetadata().getLabels() == null ? Map.of()
                        : object.getMetadata().getLabels();
                String name = objectLabels.getOrDefault(ReleaseRecords.NAME_LABEL, object.getMetadata().getName());
                if (wanted.isEmpty() || wanted.contains(name)) {
                    byRelease.computeIfAbsent(name, k -> new ArrayList<>()).add(revision(object, objectLabels));
                }
            }
        }
        Map<String, Helm2History> histories = new TreeMap<>();
        byRelease.forEach((name, revisions) -> {
            revisions.sort(Comparator.comparingInt(Revision::revision));
            histories.put(name, new Helm2History(name, List.copyOf(revisions)));
        });
        return histories;
    }

    private static Revision revision(HasMetadata object, Map<String, String> labels) {
        String payload = object instanceof Secret secret ? SecretData.text(secret, ReleaseRecords.PAYLOAD_KEY).orElse(null)
                : ((ConfigMap) object).getData() == null ? null
                : ((ConfigMap) object).getData().get(ReleaseRecords.PAYLOAD_KEY);
        Optional<Release> decoded = Optional.empty();
        Optional<String> unreadable = Optional.empty();
        try {
            decoded = Optional.of(ReleaseRecordCodec.decode(payload));
        } catch (ReleaseDecodingException e) {
            unreadable = Optional.of(e.getMessage());
        }
        int revision = revisionOf(object.getMetadata().getName(), labels, decoded);
        return new Revision(object.getMetadata().getName(), revision, decoded, unreadable, payload, object);
    }

    /** As Tiller and the inventory read it: the VERSION label, else the record's name, else the payload. */
    private static int revisionOf(String name, Map<String, String> labels, Optional<Release> decoded) {
        try {
            return Integer.parseInt(labels.getOrDefault(ReleaseRecords.VERSION_LABEL, ""));
        } catch (NumberFormatException e) {
            int dot = name.lastIndexOf(".v");
            try {
                return Integer.parseInt(name.substring(dot + 2));
            } catch (RuntimeException notInName) {
                return decoded.map(Release::getVersion).orElse(0);
            }
        }
    }

    /** Labels for a record handed over to Helm 3 (or back to Tiller): every other label kept. */
    static Map<String, String> handedOver(Map<String, String> labels, String runId) {
        Map<String, String> changed = new HashMap<>(labels);
        changed.put(ReleaseRecords.OWNER_LABEL, HANDED_OVER_OWNER);
        changed.put(CONVERSION_RUN_LABEL, runId);
        return changed;
    }

    static Map<String, String> givenBack(Map<String, String> labels) {
        Map<String, String> changed = new HashMap<>(labels);
        changed.put(ReleaseRecords.OWNER_LABEL, ReleaseRecords.OWNER_TILLER);
        changed.remove(CONVERSION_RUN_LABEL);
        return changed;
    }
}

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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

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
    /** Records listed per request when only their names are wanted. */
    private static final int PAGE = 250;

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
     * The names of the releases in a storage namespace with the owner label given ({@code TILLER} for records Tiller
     * reads, {@link #HANDED_OVER_OWNER} for those a conversion handed over), read a page at a time: only names are
     * kept, so a Tiller of any size costs one page of payloads in memory.
     */
    static SortedSet<String> releases(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage, String owner) {
        SortedSet<String> names = new TreeSet<>();
        Consumer<List<? extends HasMetadata>> page = objects -> objects.forEach(object -> names.add(name(object)));
        Map<String, String> labels = Map.of(ReleaseRecords.OWNER_LABEL, owner);
        if (storage == ReleaseStorage.SECRET) {
            cluster.secrets().forEachPage(storageNamespace, labels, PAGE, page::accept);
        } else {
            cluster.configMaps().forEachPage(storageNamespace, labels, PAGE, page::accept);
        }
        return names;
    }

    /**
     * One release's history, decoded. A record Tiller wrote without a NAME label is known by its object name (as the
     * inventory shows it) and read by that name.
     */
    static Helm2History read(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage, String release,
            String owner) {
        Map<String, String> selector = Map.of(ReleaseRecords.OWNER_LABEL, owner, ReleaseRecords.NAME_LABEL, release);
        List<? extends HasMetadata> objects = storage == ReleaseStorage.SECRET
                ? cluster.secrets().list(storageNamespace, selector) : cluster.configMaps().list(storageNamespace, selector);
        if (objects.isEmpty()) {
            Optional<? extends HasMetadata> unnamed = (storage == ReleaseStorage.SECRET
                    ? cluster.secrets().get(storageNamespace, release) : cluster.configMaps().get(storageNamespace, release))
                    .filter(object -> owner.equals(labels(object).get(ReleaseRecords.OWNER_LABEL))
                            && !labels(object).containsKey(ReleaseRecords.NAME_LABEL));
            objects = unnamed.stream().toList();
        }
        List<Revision> revisions = new ArrayList<>(objects.stream().map(object -> revision(object, labels(object))).toList());
        revisions.sort(Comparator.comparingInt(Revision::revision));
        return new Helm2History(release, List.copyOf(revisions));
    }

    /**
     * Reads each release's history and hands it on, {@value StorageMigration#PARALLEL_WRITES} releases at a time:
     * memory holds the histories in flight, not the Tiller's. A release with no record left is handed on empty.
     */
    static void forEach(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage,
            Collection<String> releases, String owner, Consumer<Helm2History> action) {
        StorageMigration.inParallel(List.copyOf(releases),
                release -> action.accept(read(cluster, storageNamespace, storage, release, owner)));
    }

    private static String name(HasMetadata object) {
        return labels(object).getOrDefault(ReleaseRecords.NAME_LABEL, object.getMetadata().getName());
    }

    private static Map<String, String> labels(HasMetadata object) {
        return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
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

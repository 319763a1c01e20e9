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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Up to this many releases are read by name; more in one paged pass over the namespace. */
    private static final int FEW = 10;
    /** Records per list request of that pass. */
    private static final int PAGE = 250;
    private static final java.util.regex.Pattern LABEL_VALUE =
            java.util.regex.Pattern.compile("(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

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
     * One release's history, decoded. A record Tiller wrote without a NAME label is known by its object name (as the
     * inventory shows it) and read by that name.
     */
    static Helm2History read(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage, String release,
            String owner) {
        Map<String, String> selector = Map.of(ReleaseRecords.OWNER_LABEL, owner, ReleaseRecords.NAME_LABEL, release);
        // An object name that is no label value (too long, say) cannot be selected by: the API server would refuse.
        List<? extends HasMetadata> objects = !LABEL_VALUE.matcher(release).matches() ? List.of()
                : storage == ReleaseStorage.SECRET ? cluster.secrets().list(storageNamespace, selector)
                : cluster.configMaps().list(storageNamespace, selector);
        if (objects.isEmpty()) {
            Optional<? extends HasMetadata> unnamed = (storage == ReleaseStorage.SECRET
                    ? cluster.secrets().get(storageNamespace, release) : cluster.configMaps().get(storageNamespace, release))
                    .filter(object -> owner.equals(labels(object).get(ReleaseRecords.OWNER_LABEL))
                            && !labels(object).containsKey(ReleaseRecords.NAME_LABEL));
            objects = unnamed.stream().toList();
        }
        return history(release, objects);
    }

    private static Helm2History history(String release, List<? extends HasMetadata> objects) {
        List<Revision> revisions = new ArrayList<>(objects.stream().map(object -> revision(object, labels(object))).toList());
        revisions.sort(Comparator.comparingInt(Revision::revision));
        return new Helm2History(release, List.copyOf(revisions));
    }

    /**
     * Reads each named release's history and hands it on decoded, {@value StorageMigration#PARALLEL_WRITES} releases
     * at a time. A release with no record left is handed on empty.
     */
    static void forEach(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage,
            Collection<String> releases, String owner, Consumer<Helm2History> action) {
        if (releases.size() <= FEW) {
            StorageMigration.inParallel(List.copyOf(releases),
                    release -> action.accept(read(cluster, storageNamespace, storage, release, owner)));
        } else {
            grouped(cluster, storageNamespace, storage, Set.copyOf(releases), owner, action);
        }
    }

    /** Every release in the storage namespace with the owner label given, handed on as {@link #forEach} does. */
    static void forEachRelease(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage, String owner,
            Consumer<Helm2History> action) {
        grouped(cluster, storageNamespace, storage, null, owner, action);
    }

    /**
     * One paged pass over the namespace's records (a label-selected list per release would have the API server read
     * every record of the namespace once per release), kept undecoded and grouped by release; each release is
     * decoded only when its turn comes and let go after it, so memory holds raw records, not decoded histories.
     *
     * @param wanted the releases to hand on, or null for all
     */
    private static void grouped(ClusterObjects cluster, String storageNamespace, ReleaseStorage storage,
            Set<String> wanted, String owner, Consumer<Helm2History> action) {
        Map<String, List<HasMetadata>> byRelease = new ConcurrentHashMap<>();
        if (wanted != null) {
            wanted.forEach(release -> byRelease.put(release, new ArrayList<>()));
        }
        Consumer<List<? extends HasMetadata>> page = objects -> objects.forEach(object -> {
            String release = name(object);
            if (wanted == null || wanted.contains(release)) {
                byRelease.computeIfAbsent(release, k -> new ArrayList<>()).add(object);
            }
        });
        Map<String, String> labels = Map.of(ReleaseRecords.OWNER_LABEL, owner);
        if (storage == ReleaseStorage.SECRET) {
            cluster.secrets().forEachPage(storageNamespace, labels, PAGE, page::accept);
        } else {
            cluster.configMaps().forEachPage(storageNamespace, labels, PAGE, page::accept);
        }
        StorageMigration.inParallel(byRelease.keySet().stream().sorted().toList(),
                release -> action.accept(history(release, byRelease.remove(release))));
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

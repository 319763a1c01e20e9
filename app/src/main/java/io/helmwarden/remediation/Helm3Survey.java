package io.helmwarden.remediation;

import io.helmwarden.release.Helm2To3;
import io.helmwarden.release.Helm3Records;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What converting one Helm 2 release to Helm 3 would write, and why it must not (yet): computed from the release's
 * decoded history and a few facts about its target namespace, touching no cluster. The preview shows it; the run
 * computes it again before writing and stops on any blocker.
 */
public final class Helm3Survey {

    private static final Pattern DOCUMENT_SPLIT = Pattern.compile("(?m)^---\\s*$");
    private static final Pattern API_VERSION = Pattern.compile("(?m)^apiVersion:\\s*[\"']?([^\\s\"'#]+)");
    private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*[\"']?([^\\s\"'#]+)");

    /**
     * Deprecated API versions and the stable one that replaced them, per kind (Kubernetes' deprecated API migration
     * guide): charts moved to these, and a chart version that did changes the object's key in Helm 3's eyes.
     */
    private static final Map<String, String> SUCCESSORS = successors(
            "apps/v1: Deployment DaemonSet ReplicaSet StatefulSet <- extensions/v1beta1 apps/v1beta1 apps/v1beta2",
            "networking.k8s.io/v1: NetworkPolicy <- extensions/v1beta1",
            "networking.k8s.io/v1: Ingress <- extensions/v1beta1 networking.k8s.io/v1beta1",
            "networking.k8s.io/v1: IngressClass <- networking.k8s.io/v1beta1",
            "rbac.authorization.k8s.io/v1: Role RoleBinding ClusterRole ClusterRoleBinding"
                    + " <- rbac.authorization.k8s.io/v1beta1 rbac.authorization.k8s.io/v1alpha1",
            "apiextensions.k8s.io/v1: CustomResourceDefinition <- apiextensions.k8s.io/v1beta1",
            "admissionregistration.k8s.io/v1: MutatingWebhookConfiguration ValidatingWebhookConfiguration"
                    + " <- admissionregistration.k8s.io/v1beta1",
            "scheduling.k8s.io/v1: PriorityClass <- scheduling.k8s.io/v1beta1 scheduling.k8s.io/v1alpha1",
            "storage.k8s.io/v1: StorageClass CSIDriver CSINode VolumeAttachment <- storage.k8s.io/v1beta1",
            "batch/v1: CronJob <- batch/v1beta1 batch/v2alpha1",
            "policy/v1: PodDisruptionBudget <- policy/v1beta1",
            "autoscaling/v2: HorizontalPodAutoscaler <- autoscaling/v2beta1 autoscaling/v2beta2",
            "coordination.k8s.io/v1: Lease <- coordination.k8s.io/v1beta1",
            "apiregistration.k8s.io/v1: APIService <- apiregistration.k8s.io/v1beta1",
            "node.k8s.io/v1: RuntimeClass <- node.k8s.io/v1beta1");

    private Helm3Survey() {
    }

    /**
     * Facts about where the release would land, read from the cluster by the caller.
     *
     * @param namespaceExists whether the release's target namespace exists
     * @param existingHelm3   Helm 3 records of this release name already in that namespace (owner=helm, name=X)
     * @param served          whether the cluster serves this apiVersion and kind
     * @param outsideTeam     why the namespace is not the Tiller's team's to write (then nothing in it was read)
     */
    public record Facts(boolean namespaceExists, List<String> existingHelm3, BiPredicate<String, String> served,
            Optional<String> outsideTeam) {

        static Facts outside(String why, BiPredicate<String, String> served) {
            return new Facts(true, List.of(), served, Optional.of(why));
        }
    }

    /** One revision as it would be written. */
    public record RevisionConversion(int revision, String secretName, String status, int encodedBytes) {
    }

    /**
     * @param revisions   those that will be written, oldest first
     * @param leftBehind  revisions kept only in Helm 2 (outside the newest N), oldest first
     * @param blockers    why it cannot be converted now; empty when it can
     * @param notCarried  what Helm 3 cannot keep, each once
     * @param warnings    what will break the first Helm 3 upgrade (removed API versions in the newest manifest) and
     *                    objects a chart upgrade would have to adopt (deprecated versions whose successor is served)
     */
    public record ReleaseConversion(String release, String namespace, List<RevisionConversion> revisions, List<Integer> leftBehind,
            List<String> blockers, List<String> notCarried, List<String> warnings) {

        public boolean blocked() {
            return !blockers.isEmpty();
        }

        public int encodedBytes() {
            return revisions.stream().mapToInt(RevisionConversion::encodedBytes).sum();
        }
    }

    /**
     * What a conversion's preview is computed from: each release surveyed.
     *
     * @param release      the one release the person chose, or empty for every release of the Tiller
     * @param maxRevisions the newest N revisions of each; 0 for all
     */
    public record Preview(List<ReleaseConversion> releases, int maxRevisions, Optional<String> release) {
    }

    /** One revision converted, with the payload Helm 3 stores. */
    record Converted(Helm2To3.Converted json, String payload) {
    }

    static Converted convert(Release revision) {
        Helm2To3.Converted converted = Helm2To3.convert(revision);
        return new Converted(converted, Helm3Records.encode(converted.release()));
    }

    /** The target namespace of a history: its newest readable revision's. */
    static String targetNamespace(Helm2History history) {
        return history.revisions().stream().filter(r -> r.decoded().isPresent())
                .reduce((older, newer) -> newer).flatMap(Helm2History.Revision::decoded).map(Release::getNamespace)
                .orElse("");
    }

    /**
     * @param maxRevisions the newest N revisions to convert; 0 for all
     */
    static ReleaseConversion of(Helm2History history, int maxRevisions, Facts facts) {
        List<String> blockers = new ArrayList<>();
        Set<String> notCarried = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        String release = history.release();
        String namespace = targetNamespace(history);
        Helm3Records.nameRefusal(release).ifPresent(blockers::add);
        history.revisions().stream().filter(r -> r.unreadable().isPresent()).forEach(r -> blockers.add("record "
                + r.record() + " does not decode (" + r.unreadable().get() + "): fix or delete it first; helm-2to3 would"
                + " skip it silently and leave a gap in the history"));
        List<Helm2History.Revision> all = history.revisions();
        int from = maxRevisions > 0 && all.size() > maxRevisions ? all.size() - maxRevisions : 0;
        List<Helm2History.Revision> window = all.subList(from, all.size());
        List<Integer> leftBehind = all.subList(0, from).stream().map(Helm2History.Revision::revision).toList();
        facts.outsideTeam().ifPresent(blockers::add);
        if (namespace.isEmpty()) {
            blockers.add("no readable revision names the release's namespace");
        } else if (!facts.namespaceExists()) {
            blockers.add("namespace " + namespace + " does not exist: Helm 3 keeps a release's records in its namespace");
        }
        if (!facts.existingHelm3().isEmpty()) {
            blockers.add("namespace " + namespace + " already holds a Helm 3 history of " + release + " ("
                    + String.join(", ", facts.existingHelm3().stream().limit(5).toList())
                    + (facts.existingHelm3().size() > 5 ? ", …" : "") + "): converting would mix two histories");
        }
        List<RevisionConversion> revisions = new ArrayList<>();
        for (Helm2History.Revision revision : window) {
            if (revision.decoded().isEmpty()) {
                continue;
            }
            Release decoded = revision.decoded().get();
            if (!namespace.isEmpty() && !namespace.equals(decoded.getNamespace())) {
                blockers.add("revision " + revision.revision() + " names namespace " + decoded.getNamespace() + ", the newest "
                        + namespace + ": Helm 3 keeps one history per namespace");
            }
            if (decoded.getVersion() != revision.revision()) {
                blockers.add("record " + revision.record() + " is labelled revision " + revision.revision()
                        + " but its payload says " + decoded.getVersion());
            }
            try {
                Converted converted = convert(decoded);
                notCarried.addAll(converted.json().notCarried());
                int bytes = converted.payload().length();
                if (bytes > Helm3Records.MAX_RECORD_BYTES) {
                    blockers.add("revision " + revision.revision() + " would be " + bytes + " bytes encoded, above the"
                            + " 1 MiB (" + Helm3Records.MAX_RECORD_BYTES + " bytes) Kubernetes allows in a Secret");
                }
                revisions.add(new RevisionConversion(revision.revision(), Helm3Records.secretName(release,
                        revision.revision()), converted.json().status(), bytes));
            } catch (IllegalArgumentException e) {
                blockers.add("revision " + revision.revision() + " cannot be converted: " + e.getMessage());
            }
        }
        history.newest().flatMap(Helm2History.Revision::decoded).ifPresent(newest -> {
            Status.Code code = newest.getInfo().getStatus().getCode();
            if (code == Status.Code.PENDING_INSTALL || code == Status.Code.PENDING_UPGRADE
                    || code == Status.Code.PENDING_ROLLBACK) {
                blockers.add("the newest revision (" + newest.getVersion() + ") is " + Helm2To3.status(code)
                        + ": Helm 3 would refuse every operation on it; let Helm 2 finish or roll it back first");
            }
            warnings.addAll(removedApis(newest, facts.served()));
            warnings.addAll(toAdopt(newest, facts.served()));
        });
        return new ReleaseConversion(release, namespace, List.copyOf(revisions), leftBehind, List.copyOf(blockers),
                List.copyOf(notCarried), List.copyOf(warnings));
    }

    /**
     * Objects of the newest manifest (and its hooks) whose API version the cluster no longer serves: the first Helm 3
     * upgrade fails on them with "unable to build kubernetes objects from current release manifest".
     */
    static List<String> removedApis(Release newest, BiPredicate<String, String> served) {
        Set<String> found = new LinkedHashSet<>();
        types(newest).stream().filter(type -> !served.test(type.apiVersion(), type.kind())).forEach(type ->
                found.add(type.kind() + " in " + type.apiVersion() + " is no longer served by this cluster: Helm 3's"
                        + " first upgrade will fail with \"unable to build kubernetes objects from current release"
                        + " manifest\" until the stored manifest names a served version"));
        return List.copyOf(found);
    }

    /**
     * Objects of the newest manifest in a deprecated API version whose successor the cluster serves: Helm 3 keys an
     * object by group, version, kind, namespace and name, so a chart version that names the successor makes it an
     * object "to be created" that already exists without Helm's ownership labels, and the upgrade stops on
     * "invalid ownership metadata" (helm/helm#9125).
     */
    static List<String> toAdopt(Release newest, BiPredicate<String, String> served) {
        Set<String> found = new LinkedHashSet<>();
        for (Type type : types(newest)) {
            String successor = SUCCESSORS.get(type.kind() + " " + type.apiVersion());
            if (successor != null && served.test(type.apiVersion(), type.kind()) && served.test(successor, type.kind())) {
                found.add(type.kind() + " in " + type.apiVersion() + " (deprecated; this cluster serves " + successor
                        + "): a chart version naming " + successor + " makes Helm 3 adopt the live object, which has no"
                        + " app.kubernetes.io/managed-by=Helm label nor meta.helm.sh/release-name and -namespace"
                        + " annotations, so that upgrade fails with \"invalid ownership metadata\" unless run with"
                        + " --take-ownership (Helm 3.17 and later) or the labels and annotations are added first");
            }
        }
        return List.copyOf(found);
    }

    private record Type(String apiVersion, String kind) {
    }

    /** The apiVersion and kind of every document of the release's manifest and hooks, each once. */
    private static Set<Type> types(Release release) {
        Set<Type> types = new LinkedHashSet<>();
        List<String> manifests = new ArrayList<>();
        manifests.add(release.getManifest());
        release.getHooksList().forEach(hook -> manifests.add(hook.getManifest()));
        for (String manifest : manifests) {
            for (String document : DOCUMENT_SPLIT.split(manifest)) {
                Optional<String> apiVersion = first(API_VERSION, document);
                Optional<String> kind = first(KIND, document);
                if (apiVersion.isPresent() && kind.isPresent()) {
                    types.add(new Type(apiVersion.get(), kind.get()));
                }
            }
        }
        return types;
    }

    /** "successor: Kind Kind <- old old" lines to a map of "Kind old" to successor. */
    private static Map<String, String> successors(String... lines) {
        Map<String, String> map = new java.util.HashMap<>();
        for (String line : lines) {
            String successor = line.substring(0, line.indexOf(':'));
            String[] sides = line.substring(line.indexOf(':') + 1).split("<-");
            for (String kind : sides[0].trim().split(" ")) {
                for (String old : sides[1].trim().split(" ")) {
                    map.put(kind + " " + old, successor);
                }
            }
        }
        return Map.copyOf(map);
    }

    private static Optional<String> first(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}

package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.SecretData;
import io.helmwarden.cluster.WriteConflict;
import io.helmwarden.release.Helm3Records;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.remediation.RunParameters.Key;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps of {@link RemediationKind#CONVERT_TO_HELM3} and its undo. Tiller is stopped while its records are read
 * and handed over, so nothing writes a revision mid-way. Every Helm 3 Secret written is annotated with the run and
 * entered in the {@link Helm3Ledger} with the resourceVersion it was written at; a resumed step finds its own
 * Secrets and goes on, a failed one removes what it wrote. The v2 records stay, relabelled so Tiller no longer
 * lists them: given back on undo.
 */
final class Helm3Conversion {

    static final String RUN_ANNOTATION = "helm-warden.io/converted-by-run";
    static final String SOURCE_ANNOTATION = "helm-warden.io/converted-from";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final RemediationRuns runs;
    private final Helm3Ledger ledger;
    private final FaultPoint faults;
    private final StepContext context;
    private final RunParameters parameters;
    private final ReleaseStorage storage;

    Helm3Conversion(StepContext context) {
        this.context = context;
        this.cluster = context.cluster();
        this.run = context.run();
        this.runs = context.runs();
        this.ledger = context.ledger();
        this.faults = context.faults();
        this.parameters = run.parameters();
        this.storage = ReleaseStorage.SECRET.resource().equals(parameters.text(Key.STORAGE_RESOURCE).orElse(""))
                ? ReleaseStorage.SECRET : ReleaseStorage.CONFIGMAP;
    }

    /** Reads every release again and stops on any blocker the preview would show now. */
    String preflight() {
        List<Helm3Survey.ReleaseConversion> surveys = surveys(ReleaseRecords.OWNER_TILLER);
        List<String> blockers = new ArrayList<>();
        Set<String> allowed = Set.copyOf(parameters.list(Key.NAMESPACES));
        for (var survey : surveys) {
            survey.blockers().forEach(reason -> blockers.add(survey.release() + ": " + reason));
            if (!allowed.contains(survey.namespace())) {
                blockers.add(survey.release() + ": its namespace is now " + survey.namespace()
                        + ", not one the preview listed; preview the conversion again");
            }
        }
        List<String> missing = parameters.list(Key.RELEASES).stream()
                .filter(name -> surveys.stream().noneMatch(s -> s.release().equals(name))).toList();
        if (!missing.isEmpty()) {
            blockers.add("no longer in Tiller's storage: " + String.join(", ", missing));
        }
        if (!blockers.isEmpty()) {
            throw new StepFailed(String.join("; ", blockers));
        }
        int revisions = surveys.stream().mapToInt(s -> s.revisions().size()).sum();
        return TillerPlans.count(surveys.size(), "release") + ", " + TillerPlans.count(revisions, "revision")
                + " to write, no blocker";
    }

    String quiesce() {
        // An undo restores the replicas the Tiller had before its conversion, not the 0 a failed one left.
        Integer before = parameters.text(Key.CONVERSION_RUN).isPresent() ? conversion().originalReplicas() : null;
        if (before != null) {
            runs.originalReplicas(run.id(), before);
        }
        return new StorageMigration(context).quiesce();
    }

    String resume() {
        return new StorageMigration(context).resume();
    }

    /**
     * Writes each release's Helm 3 records, oldest revision first, {@value StorageMigration#PARALLEL_WRITES} releases
     * at a time. A Secret of ours from before a crash is compared and entered in the ledger; any other in the way stops
     * the run, and what this run wrote is removed again.
     */
    String convert() {
        AtomicInteger written = new AtomicInteger();
        AtomicInteger found = new AtomicInteger();
        AtomicInteger progress = new AtomicInteger();
        try {
            eachHistory(ReleaseRecords.OWNER_TILLER, history -> {
                if (history.revisions().isEmpty()) {
                    return; // gone since the preflight, which would have stopped on it; nothing to write
                }
                String namespace = Helm3Survey.targetNamespace(history);
                requireListed(namespace, history.release());
                for (Helm2History.Revision revision : window(history)) {
                    write(history.release(), namespace, revision, written, found);
                    int done = progress.incrementAndGet();
                    faults.reached("converted " + done);
                    if (done % 50 == 49) {
                        runs.touch(run.id());
                    }
                }
            });
        } catch (StepFailed e) {
            throw new StepFailed(e.getMessage() + "; " + removeWritten());
        }
        return written.get() + " Helm 3 records written" + (found.get() > 0 ? ", " + found.get()
                + " already written by this run" : "");
    }

    private void write(String release, String namespace, Helm2History.Revision revision, AtomicInteger written,
            AtomicInteger found) {
        Helm3Survey.Converted converted = Helm3Survey.convert(revision.decoded().orElseThrow(() ->
                new StepFailed("record " + revision.record() + " no longer decodes")));
        Secret secret = Helm3Records.secret(namespace, release, revision.revision(), converted.json().status(),
                converted.payload(), Instant.now(), Map.of(RUN_ANNOTATION, run.id(), SOURCE_ANNOTATION,
                        run.storageNamespace() + "/" + revision.record()));
        Secret stored = cluster.secrets().createNew(secret).map(created -> {
            written.incrementAndGet();
            return created;
        }).orElseGet(() -> {
            // There already: ours from before a crash (then the same), or someone else's (then never overwritten).
            Secret existing = cluster.secrets().require(namespace, secret.getMetadata().getName());
            if (!ours(existing) || !sameRelease(existing, converted.json().release())) {
                throw new StepFailed("Secret " + namespace + "/" + secret.getMetadata().getName()
                        + " appeared during the run and is not this conversion's: not overwritten");
            }
            found.incrementAndGet();
            return existing;
        });
        ledger.written(run, namespace, release, revision.revision(), converted.json().status(),
                stored.getMetadata().getUid(), stored.getMetadata().getResourceVersion());
    }

    /**
     * Reads every record back: unchanged since written, labels agreeing with the JSON, the JSON equal to the Helm 2
     * revision converted again, and no foreign revision in the history. Anything else removes every record of the run.
     */
    String verify() {
        List<Helm3Ledger.Entry> entries = ledger.forRun(run.id()).stream().filter(e -> !e.reverted()).toList();
        Map<String, List<Helm3Ledger.Entry>> byRelease = entries.stream().collect(Collectors.groupingBy(
                Helm3Ledger.Entry::release, LinkedHashMap::new, Collectors.toList()));
        String newestWrite = newestWrite(entries);
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Helm2History.forEach(cluster, run.storageNamespace(), storage, byRelease.keySet(), ReleaseRecords.OWNER_TILLER,
                source -> {
            List<Helm3Ledger.Entry> written = byRelease.get(source.release());
            String namespace = written.get(0).namespace();
            String release = source.release();
            // One read per release: its whole Helm 3 history, ours and anything that joined it.
            Map<String, Secret> history = cluster.secrets().listNotOlderThan(namespace, Map.of(Helm3Records.OWNER,
                    Helm3Records.OWNER_HELM, Helm3Records.NAME, release), newestWrite).stream()
                    .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
            Set<String> ours = new java.util.HashSet<>();
            for (Helm3Ledger.Entry entry : written) {
                String name = Helm3Records.secretName(entry.release(), entry.revision());
                ours.add(name);
                Secret secret = history.get(name);
                var revision = source.revisions().stream()
                        .filter(r -> r.revision() == entry.revision()).findFirst().orElse(null);
                if (secret == null) {
                    problems.add(name + " is gone");
                } else if (revision == null || revision.decoded().isEmpty()) {
                    problems.add(name + ": its Helm 2 revision is no longer in Tiller's storage");
                } else {
                    problems.addAll(disagreements(secret, entry,
                            io.helmwarden.release.Helm2To3.convert(revision.decoded().get()).release()));
                }
            }
            history.keySet().stream().filter(name -> !ours.contains(name)).sorted()
                    .forEach(name -> problems.add(name + " joined the history of " + release + " during the run"));
        });
        if (!problems.isEmpty()) {
            throw new StepFailed("verification failed: " + String.join("; ", problems.stream().sorted().toList()) + "; "
                    + removeWritten());
        }
        return entries.size() + " Helm 3 records read back: unchanged, labels agreeing with the JSON, the JSON equal to"
                + " its Helm 2 revision converted again, no other revision in their histories";
    }

    /** Tiller stops listing the converted revisions: each record keeps its payload, with an owner Tiller ignores. */
    String handOver() {
        AtomicInteger records = new AtomicInteger();
        eachHistory(ReleaseRecords.OWNER_TILLER, history -> history.revisions().forEach(revision -> {
            relabel(revision.object(), Helm2History.handedOver(labels(revision.object()), run.id()));
            records.incrementAndGet();
        }));
        return records.get() + " Helm 2 records kept as backups, labelled OWNER=" + Helm2History.HANDED_OVER_OWNER
                + " (Tiller no longer lists them; an undo gives them back)";
    }

    // ---- undo

    private RemediationRun conversion() {
        return runs.find(parameters.required(Key.CONVERSION_RUN)).orElseThrow(() ->
                new StepFailed("the conversion run " + parameters.required(Key.CONVERSION_RUN) + " is gone"));
    }

    /** Refuses once Helm 3 has acted on a converted release: a newer revision, or one of ours rewritten. */
    String checkUntouched() {
        List<String> acted = helm3Acted(cluster, ledger.forRun(conversion().id()));
        if (!acted.isEmpty()) {
            throw new StepFailed("Helm 3 has acted on the converted releases since (" + String.join("; ", acted)
                    + "): undoing would lose what it did; the Helm 2 records stay as backups");
        }
        return "no converted record changed, no newer Helm 3 revision";
    }

    String remove() {
        RemediationRun conversion = conversion();
        int removed = 0;
        for (Helm3Ledger.Entry entry : ledger.forRun(conversion.id())) {
            if (entry.reverted()) {
                continue;
            }
            String name = Helm3Records.secretName(entry.release(), entry.revision());
            var now = cluster.secrets().get(entry.namespace(), name);
            if (now.isPresent() && !entry.resourceVersion().equals(now.get().getMetadata().getResourceVersion())) {
                throw new StepFailed(name + " was rewritten by Helm 3 during the undo: kept, and " + removed
                        + " removed before it; resume once you have decided what to keep");
            }
            cluster.secrets().delete(entry.namespace(), Helm3Records.secretName(entry.release(), entry.revision()));
            ledger.reverted(conversion.id(), entry.namespace(), entry.release(), entry.revision());
            removed++;
        }
        return removed + " Helm 3 records removed";
    }

    String giveBack() {
        RemediationRun conversion = conversion();
        AtomicInteger given = new AtomicInteger();
        eachHistory(Helm2History.HANDED_OVER_OWNER, history -> history.revisions().forEach(revision -> {
            if (conversion.id().equals(labels(revision.object()).get(Helm2History.CONVERSION_RUN_LABEL))) {
                relabel(revision.object(), Helm2History.givenBack(labels(revision.object())));
                given.incrementAndGet();
            }
        }));
        return given.get() + " Helm 2 records are Tiller's again";
    }

    /**
     * What Helm 3 did since a conversion, per release: records of ours changed (a resourceVersion moved: Helm 3
     * marked one superseded), removed, or revisions it added. Empty while an undo loses nothing.
     */
    static List<String> helm3Acted(ClusterObjects cluster, List<Helm3Ledger.Entry> entries) {
        List<String> acted = new ArrayList<>();
        Map<String, List<Helm3Ledger.Entry>> byRelease = entries.stream().filter(e -> !e.reverted())
                .collect(Collectors.groupingBy(e -> e.namespace() + "/" + e.release(), LinkedHashMap::new,
                        Collectors.toList()));
        String newestWrite = newestWrite(entries);
        byRelease.forEach((key, written) -> {
            String namespace = written.get(0).namespace();
            String release = written.get(0).release();
            Map<String, Helm3Ledger.Entry> ours = written.stream().collect(Collectors.toMap(
                    e -> Helm3Records.secretName(e.release(), e.revision()), e -> e));
            Map<String, Secret> now = cluster.secrets().listNotOlderThan(namespace, Map.of(Helm3Records.OWNER,
                    Helm3Records.OWNER_HELM, Helm3Records.NAME, release), newestWrite).stream()
                    .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
            now.keySet().stream().filter(name -> !ours.containsKey(name)).sorted()
                    .forEach(name -> acted.add(name + " was written by Helm 3 after the conversion"));
            ours.forEach((name, entry) -> {
                Secret secret = now.get(name);
                if (secret == null) {
                    acted.add(name + " was removed (helm uninstall or history pruning?)");
                } else if (!entry.uid().equals(secret.getMetadata().getUid())
                        || !entry.resourceVersion().equals(secret.getMetadata().getResourceVersion())) {
                    acted.add(name + " was rewritten (labels " + secret.getMetadata().getLabels().getOrDefault(
                            Helm3Records.STATUS, "?") + ")");
                }
            });
        });
        return acted;
    }

    // ---- shared

    private List<Helm3Survey.ReleaseConversion> surveys(String owner) {
        List<Helm3Survey.ReleaseConversion> surveys = java.util.Collections.synchronizedList(new ArrayList<>());
        int max = parameters.text(Key.MAX_REVISIONS).map(Integer::parseInt).orElse(0);
        Targets targets = new Targets(cluster);
        eachHistory(owner, history -> {
            if (!history.revisions().isEmpty()) {
                surveys.add(Helm3Survey.of(history, max, targets.facts(history)));
            }
        });
        return surveys.stream().sorted(java.util.Comparator.comparing(Helm3Survey.ReleaseConversion::release)).toList();
    }

    /**
     * What the survey needs to know about where releases land, read once per namespace: whether it exists, and the
     * Helm 3 records already in it by release name.
     */
    static final class Targets {
        private final ClusterObjects cluster;
        // Surveys run a few releases at a time: each namespace is read once by whichever asks first.
        private final Map<String, Boolean> exists = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Map<String, List<String>>> existing = new java.util.concurrent.ConcurrentHashMap<>();

        Targets(ClusterObjects cluster) {
            this.cluster = cluster;
        }

        Helm3Survey.Facts facts(Helm2History history) {
            String namespace = Helm3Survey.targetNamespace(history);
            if (namespace.isEmpty()) {
                return new Helm3Survey.Facts(false, List.of(), cluster::serves, java.util.Optional.empty());
            }
            boolean there = exists.computeIfAbsent(namespace, ns -> cluster.namespaceExists(ns).orElse(true));
            List<String> helm3 = there ? existing.computeIfAbsent(namespace, this::helm3Records)
                    .getOrDefault(history.release(), List.of()) : List.of();
            return new Helm3Survey.Facts(there, helm3, cluster::serves, java.util.Optional.empty());
        }

        private Map<String, List<String>> helm3Records(String namespace) {
            Map<String, List<String>> byName = new java.util.HashMap<>();
            Map<String, String> labels = Map.of(Helm3Records.OWNER, Helm3Records.OWNER_HELM);
            cluster.secrets().list(namespace, labels).forEach(s -> byName.computeIfAbsent(release(s), k -> new ArrayList<>())
                    .add("Secret " + s.getMetadata().getName()));
            cluster.configMaps().list(namespace, labels).forEach(c -> byName.computeIfAbsent(release(c), k -> new ArrayList<>())
                    .add("ConfigMap " + c.getMetadata().getName()));
            return byName;
        }

        private static String release(HasMetadata record) {
            return labels(record).getOrDefault(Helm3Records.NAME, "");
        }
    }

    /**
     * The resourceVersion of the newest record a conversion wrote: lists of its releases are served by the watch cache
     * once it holds that write (a label-selected list from etcd reads every Secret of the namespace, per release).
     */
    private static String newestWrite(List<Helm3Ledger.Entry> entries) {
        return entries.stream().map(Helm3Ledger.Entry::resourceVersion)
                .max(java.util.Comparator.comparingLong(Helm3Conversion::revisionNumber)).orElse("0");
    }

    /** An etcd resourceVersion as a number, to find the newest; one that is not a number counts as the oldest. */
    private static long revisionNumber(String resourceVersion) {
        try {
            return Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Each release of the run, read and handled a few at a time, never the whole Tiller at once. */
    private void eachHistory(String owner, java.util.function.Consumer<Helm2History> action) {
        Helm2History.forEach(cluster, run.storageNamespace(), storage, parameters.list(Key.RELEASES), owner, action);
    }

    private List<Helm2History.Revision> window(Helm2History history) {
        int max = parameters.text(Key.MAX_REVISIONS).map(Integer::parseInt).orElse(0);
        List<Helm2History.Revision> all = history.revisions();
        return max > 0 && all.size() > max ? all.subList(all.size() - max, all.size()) : all;
    }

    private void requireListed(String namespace, String release) {
        if (!parameters.list(Key.NAMESPACES).contains(namespace)) {
            throw new StepFailed(release + " now targets namespace " + namespace + ", which the preview did not list");
        }
    }

    private List<String> disagreements(Secret secret, Helm3Ledger.Entry entry, JsonNode expected) {
        String name = secret.getMetadata().getName();
        List<String> problems = new ArrayList<>();
        if (!entry.uid().equals(secret.getMetadata().getUid())
                || !entry.resourceVersion().equals(secret.getMetadata().getResourceVersion())) {
            problems.add(name + " changed after it was written");
        }
        JsonNode stored;
        try {
            stored = Helm3Records.decode(SecretData.text(secret, "release").orElse(null));
        } catch (ReleaseDecodingException e) {
            problems.add(name + " does not decode: " + e.getMessage());
            return problems;
        }
        Map<String, String> labels = labels(secret);
        if (!Helm3Records.TYPE.equals(secret.getType())) {
            problems.add(name + " has type " + secret.getType());
        }
        if (!Objects.equals(labels.get(Helm3Records.NAME), stored.path("name").asString())
                || !Objects.equals(labels.get(Helm3Records.STATUS), stored.path("info").path("status").asString())
                || !Objects.equals(labels.get(Helm3Records.VERSION), String.valueOf(stored.path("version").asInt()))
                || !Helm3Records.OWNER_HELM.equals(labels.get(Helm3Records.OWNER))) {
            problems.add(name + ": its labels " + labels + " disagree with its JSON");
        }
        if (!secret.getMetadata().getNamespace().equals(stored.path("namespace").asString())) {
            problems.add(name + " is in " + secret.getMetadata().getNamespace() + " but its JSON says "
                    + stored.path("namespace").asString());
        }
        if (!stored.equals(JSON.readTree(expected.toString()))) {
            problems.add(name + " does not equal its Helm 2 revision converted again");
        }
        return problems;
    }

    private boolean ours(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        return annotations != null && run.id().equals(annotations.get(RUN_ANNOTATION));
    }

    private static boolean sameRelease(Secret secret, JsonNode expected) {
        try {
            return Helm3Records.decode(SecretData.text(secret, "release").orElse(null))
                    .equals(JSON.readTree(expected.toString()));
        } catch (ReleaseDecodingException e) {
            return false;
        }
    }

    /** Deletes every Secret this run wrote (found by the ledger and by its annotation), in words for the failure. */
    private String removeWritten() {
        int removed = 0;
        try {
            for (Helm3Ledger.Entry entry : ledger.forRun(run.id())) {
                if (!entry.reverted()) {
                    cluster.secrets().delete(entry.namespace(), Helm3Records.secretName(entry.release(), entry.revision()));
                    ledger.reverted(run.id(), entry.namespace(), entry.release(), entry.revision());
                    removed++;
                }
            }
            for (String namespace : parameters.list(Key.NAMESPACES)) {
                for (Secret secret : cluster.secrets().list(namespace, Map.of(Helm3Records.OWNER, Helm3Records.OWNER_HELM))) {
                    if (ours(secret)) {
                        cluster.secrets().delete(namespace, secret.getMetadata().getName());
                        removed++;
                    }
                }
            }
        } catch (RuntimeException e) {
            return "removing what it wrote failed too (" + e.getMessage() + "): resume the run, or undo it";
        }
        return removed + " Helm 3 records it wrote were removed again; Helm 2 is untouched";
    }

    private void relabel(HasMetadata object, Map<String, String> labels) {
        try {
            if (object instanceof Secret secret) {
                cluster.secrets().update(new SecretBuilder(secret).editMetadata().withLabels(labels).endMetadata().build());
            } else {
                cluster.configMaps().update(new ConfigMapBuilder((ConfigMap) object).editMetadata().withLabels(labels)
                        .endMetadata().build());
            }
        } catch (WriteConflict e) {
            throw new StepFailed(object.getKind() + " " + object.getMetadata().getName()
                    + " changed while being relabelled (is Tiller running?); resume to read it again");
        }
    }

    private static Map<String, String> labels(HasMetadata object) {
        return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
    }
}

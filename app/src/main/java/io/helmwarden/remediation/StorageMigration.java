package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.KubeObjects;
import io.helmwarden.cluster.SecretData;
import io.helmwarden.cluster.WriteConflict;
import io.helmwarden.inventory.TillerContainer;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecordCodec;
import io.helmwarden.release.ReleaseStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The steps that move a Tiller's records from ConfigMaps to Secrets and back ({@link RemediationKind#MIGRATE_STORAGE},
 * {@link RemediationKind#ROLLBACK_STORAGE}). Every step is idempotent: run twice (after a crash, a restart), it
 * finds its work done and changes nothing. Writes carry resourceVersion; a conflict re-reads and decides again,
 * never overwrites.
 */
final class StorageMigration {

    static final String MIGRATED_LABEL = "helm-warden.io/migrated";
    static final String DELETE_AFTER_ANNOTATION = "helm-warden.io/delete-after";
    /** On a Secret left behind by a rollback: a copy of ours, which a later migration may refresh. */
    static final String STALE_COPY_ANNOTATION = "helm-warden.io/stale-copy";
    static final Map<String, String> RECORD_LABELS = Map.of("OWNER", "TILLER");
    private static final Duration QUIESCE_TIMEOUT = Duration.ofMinutes(5);
    /** Writes in flight while copying: far below an API server's default limit of 200 mutating requests. */
    static final int PARALLEL_WRITES = 16;
    private static final int PAGE = 100;

    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final RemediationRuns runs;
    private final Instant deleteBackupsAfter;
    private final FaultPoint faults;
    private final String storage;

    StorageMigration(StepContext context) {
        this.cluster = context.cluster();
        this.run = context.run();
        this.runs = context.runs();
        this.deleteBackupsAfter = context.deleteBackupsAfter();
        this.faults = context.faults();
        this.storage = run.storageNamespace();
    }

    String preflight() {
        String rights = checkOwnRights();
        deployment();
        int identical = 0;
        long bytes = 0;
        List<ConfigMap> records = configMapRecords();
        for (ConfigMap record : records) {
            String payload = payload(record);
            bytes += payload.length();
            var existing = cluster.secrets().get(storage, record.getMetadata().getName());
            if (existing.isPresent()) {
                if (!payload.equals(secretPayload(existing.get())) && !staleCopy(existing.get())) {
                    throw new StepFailed("Secret " + storage + "/" + record.getMetadata().getName()
                            + " already exists with different content: resolve it by hand before migrating");
                }
                identical++;
            }
        }
        return records.size() + " records (" + bytes + " bytes of payload); " + identical
                + " already have a Secret (identical, or our own copy from before a rollback); " + rights;
    }

    /** Asks the API server whether the identity the run writes with (the person, where it acts as them) may do every write. */
    private String checkOwnRights() {
        List<String[]> needed = List.of(
                new String[] {"create", "", ReleaseStorage.SECRET.resource(), storage},
                new String[] {"list", "", ReleaseStorage.CONFIGMAP.resource(), storage},
                new String[] {"update", "", ReleaseStorage.CONFIGMAP.resource(), storage},
                new String[] {"update", "apps", "deployments", run.namespace()},
                new String[] {"list", "", "pods", run.namespace()});
        List<String> missing = needed.stream().filter(right -> !cluster.mayI(right[0], right[1], right[2], right[3]))
                .map(right -> right[0] + " " + (right[1].isEmpty() ? "" : right[1] + "/") + right[2] + " in " + right[3])
                .toList();
        if (!missing.isEmpty()) {
            throw new StepFailed(cluster.who() + " may not " + String.join(", ", missing)
                    + ": grant these before migrating");
        }
        return cluster.who() + " holds every right the run needs";
    }

    String quiesce() {
        int replicas = Objects.requireNonNullElse(deployment().getSpec().getReplicas(), 1);
        // Recorded once, before scaling: a resumed run restores the count from before the migration.
        runs.originalReplicas(run.id(), replicas);
        scale(0);
        Instant deadline = Instant.now().plus(QUIESCE_TIMEOUT);
        while (!runningPods().isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new StepFailed("Tiller pods still run " + QUIESCE_TIMEOUT.toMinutes() + " minutes after scaling to 0");
            }
            runs.touch(run.id());
            sleep();
        }
        return "scaled from " + replicas + " to 0; no Tiller pod running";
    }

    /**
     * Copies every record that has no Secret yet, {@value #PARALLEL_WRITES} writes in flight (the API server
     * is the limit, not one round trip after another). Existing Secrets are read page by page and compared
     * with their ConfigMap first: identical ones are kept, our stale copies refreshed, others stop the run.
     */
    String copy() {
        Map<String, ConfigMap> records = recordsByName();
        Set<String> present = new HashSet<>();
        List<Secret> stale = new ArrayList<>();
        cluster.secrets().forEachPage(storage, RECORD_LABELS, PAGE, page -> {
            for (Secret existing : page) {
                String name = existing.getMetadata().getName();
                ConfigMap record = records.get(name);
                if (record == null) {
                    continue;
                }
                if (staleCopy(existing)) {
                    stale.add(existing);
                } else if (!payload(record).equals(secretPayload(existing))) {
                    throw new StepFailed("Secret " + storage + "/" + name
                            + " appeared with different content during the run: not overwritten");
                }
                present.add(name);
            }
        });
        for (Secret existing : stale) {
            // Our copy from before a rollback: Tiller may have rewritten the record since; the ConfigMap wins.
            ConfigMap record = records.get(existing.getMetadata().getName());
            cluster.secrets().update(new SecretBuilder(existing).withData(Map.of("release", SecretData.encode(payload(record))))
                    .editMetadata().withLabels(record.getMetadata().getLabels())
                    .removeFromAnnotations(STALE_COPY_ANNOTATION).endMetadata().build());
        }
        List<ConfigMap> missing = records.values().stream()
                .filter(record -> !present.contains(record.getMetadata().getName())).toList();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger raced = new AtomicInteger();
        inParallel(missing, record -> {
            String name = record.getMetadata().getName();
            String payload = payload(record);
            Secret secret = new SecretBuilder()
                    .withNewMetadata().withName(name).withNamespace(storage)
                    .withLabels(record.getMetadata().getLabels()).endMetadata()
                    // Tiller's secret driver stores the payload string as the Secret's bytes, with no type.
                    .withData(Map.of("release", SecretData.encode(payload)))
                    .build();
            if (cluster.secrets().createIfAbsent(secret)) {
                int done = created.incrementAndGet();
                heartbeat(done);
                faults.reached("copied " + done);
            } else {
                // Created between our read and our write: judged like one found before.
                if (!payload.equals(cluster.secrets().get(storage, name).map(StorageMigration::secretPayload).orElse(null))) {
                    throw new StepFailed("Secret " + name + " was created concurrently with different content");
                }
                raced.incrementAndGet();
            }
        });
        int alreadyThere = present.size() - stale.size() + raced.get();
        return created.get() + " Secrets created, " + alreadyThere + " already there and identical"
                + (stale.isEmpty() ? "" : ", " + stale.size() + " stale copies refreshed");
    }

    /** Compares every Secret with its ConfigMap, page by page, so memory holds one page of payloads. */
    String verify() {
        Map<String, ConfigMap> records = recordsByName();
        Set<String> verified = new HashSet<>();
        cluster.secrets().forEachPage(storage, RECORD_LABELS, PAGE, page -> {
            for (Secret secret : page) {
                String name = secret.getMetadata().getName();
                ConfigMap record = records.get(name);
                if (record == null) {
                    continue;
                }
                String payload = secretPayload(secret);
                if (!payload(record).equals(payload)) {
                    throw new StepFailed("Secret " + name + " does not match its ConfigMap");
                }
                try {
                    ReleaseRecordCodec.decode(payload);
                } catch (ReleaseDecodingException e) {
                    throw new StepFailed("Secret " + name + " does not decode: " + e.getMessage());
                }
                verified.add(name);
                heartbeat(verified.size());
            }
        });
        records.keySet().stream().filter(name -> !verified.contains(name)).findFirst().ifPresent(name -> {
            throw new StepFailed("Secret " + name + " does not match its ConfigMap");
        });
        return verified.size() + " Secrets byte-identical to their ConfigMaps, each decoding as a Helm 2 release";
    }

    /**
     * Runs the action for every item with {@value #PARALLEL_WRITES} in flight; the first failure stops the
     * rest and is thrown as it was (an Error stays an Error: a crash is not a step failure).
     */
    static <T> void inParallel(List<T> items, Consumer<T> action) {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_WRITES, items.size()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> action.accept(item)));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted while copying");
        } finally {
            pool.shutdownNow();
        }
    }

    String switchToSecrets() {
        return switchStorage(ReleaseStorage.SECRET);
    }

    String switchToConfigMaps() {
        return switchStorage(ReleaseStorage.CONFIGMAP);
    }

    private String switchStorage(ReleaseStorage backend) {
        List<String> written = new ArrayList<>();
        var edit = editDeployment(deployment -> {
            var container = TillerContainer.of(deployment.getSpec().getTemplate().getSpec()).orElseThrow();
            TillerFlagRewriter.set(container, "storage", backend.flag());
            written.clear();
            written.add((container.getCommand() == null || container.getCommand().isEmpty() ? ""
                    : "command " + container.getCommand() + ", ") + "args " + container.getArgs());
        });
        return edit == KubeObjects.Edit.UNCHANGED ? "already --storage=" + backend.flag() : written.get(0);
    }

    String resume() {
        int replicas = Objects.requireNonNullElse(run.originalReplicas(), 1);
        scale(replicas);
        return "scaled back to " + replicas;
    }

    /**
     * Labels each ConfigMap as a backup, but only if it still equals its verified Secret: a record someone
     * changed after the copy is reported, not retired. The update carries the resourceVersion just compared.
     */
    String retire() {
        int labelled = 0;
        for (ConfigMap record : configMapRecords()) {
            if ("true".equals(record.getMetadata().getLabels().get(MIGRATED_LABEL))) {
                continue;
            }
            String name = record.getMetadata().getName();
            var secret = cluster.secrets().get(storage, name);
            if (secret.isEmpty() || !payload(record).equals(secretPayload(secret.get()))) {
                throw new StepFailed("ConfigMap " + storage + "/" + name
                        + " changed after it was copied (a concurrent writer?): its Secret was not overwritten and"
                        + " it was not retired; compare both, then resume");
            }
            try {
                cluster.configMaps().update(new ConfigMapBuilder(record).editMetadata()
                        .addToLabels(MIGRATED_LABEL, "true")
                        .addToAnnotations(DELETE_AFTER_ANNOTATION, deleteBackupsAfter.toString())
                        .endMetadata().build());
            } catch (WriteConflict e) {
                throw new StepFailed("ConfigMap " + storage + "/" + name
                        + " changed while being retired (a concurrent writer?); resume to compare it again");
            }
            labelled++;
            heartbeat(labelled);
        }
        return labelled + " ConfigMaps kept as backups, labelled " + MIGRATED_LABEL + "=true, to be deleted after "
                + deleteBackupsAfter;
    }

    /** Secrets Tiller wrote or changed since the migration become ConfigMaps again; nothing is deleted. */
    String copyBack() {
        Map<String, ConfigMap> configMaps = recordsByName();
        int created = 0;
        int updated = 0;
        for (Secret secret : cluster.secrets().list(storage, RECORD_LABELS)) {
            String name = secret.getMetadata().getName();
            String payload = secretPayload(secret);
            ConfigMap existing = configMaps.get(name);
            if (existing == null) {
                cluster.configMaps().create(new ConfigMapBuilder()
                        .withNewMetadata().withName(name).withNamespace(storage)
                        .withLabels(secret.getMetadata().getLabels()).endMetadata()
                        .withData(Map.of("release", payload)).build());
                created++;
            } else if (!payload.equals(payload(existing))) {
                // Tiller rewrote this revision (an upgrade supersedes the previous one): its newest content wins.
                cluster.configMaps().update(new ConfigMapBuilder(existing)
                        .withData(Map.of("release", payload)).editMetadata()
                        .withLabels(new HashMap<>(secret.getMetadata().getLabels())).endMetadata().build());
                updated++;
            }
        }
        return created + " ConfigMaps created and " + updated + " updated from records Tiller wrote as Secrets";
    }

    String unretire() {
        int unlabelled = 0;
        for (ConfigMap record : configMapRecords()) {
            if (record.getMetadata().getLabels().containsKey(MIGRATED_LABEL)) {
                cluster.configMaps().edit(storage, record.getMetadata().getName(), configMap -> {
                    configMap.getMetadata().getLabels().remove(MIGRATED_LABEL);
                    if (configMap.getMetadata().getAnnotations() != null) {
                        configMap.getMetadata().getAnnotations().remove(DELETE_AFTER_ANNOTATION);
                    }
                });
                unlabelled++;
            }
        }
        int marked = 0;
        for (Secret secret : cluster.secrets().list(storage, RECORD_LABELS)) {
            if (!staleCopy(secret)) {
                cluster.secrets().edit(storage, secret.getMetadata().getName(), s -> {
                    if (s.getMetadata().getAnnotations() == null) {
                        s.getMetadata().setAnnotations(new HashMap<>());
                    }
                    s.getMetadata().getAnnotations().put(STALE_COPY_ANNOTATION, "true");
                });
                marked++;
            }
        }
        return unlabelled + " ConfigMaps are Tiller's records again; " + marked
                + " Secrets kept, marked as stale copies a later migration refreshes";
    }

    /** Long steps say they are alive now and then, so no other replica claims the run. */
    private void heartbeat(int done) {
        if (done % 50 == 49) {
            runs.touch(run.id());
        }
    }

    private void scale(int replicas) {
        editDeployment(deployment -> deployment.getSpec().setReplicas(replicas));
    }

    private KubeObjects.Edit editDeployment(Consumer<Deployment> edit) {
        try {
            return cluster.deployments().edit(run.namespace(), run.tillerName(), edit);
        } catch (io.helmwarden.cluster.ObjectGone | WriteConflict e) {
            throw new StepFailed(e.getMessage());
        }
    }

    private Deployment deployment() {
        return cluster.deployments().get(run.namespace(), run.tillerName()).orElseThrow(() ->
                new StepFailed("Deployment " + run.namespace() + "/" + run.tillerName() + " is gone"));
    }

    private List<Pod> runningPods() {
        var labels = deployment().getSpec().getSelector().getMatchLabels();
        return cluster.pods().list(run.namespace(), labels).stream()
                .filter(pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))
                .toList();
    }

    /** Records Tiller itself wrote; backups from an earlier run are records too. */
    private List<ConfigMap> configMapRecords() {
        return new ArrayList<>(cluster.configMaps().list(storage, RECORD_LABELS));
    }

    private Map<String, ConfigMap> recordsByName() {
        Map<String, ConfigMap> records = new LinkedHashMap<>();
        configMapRecords().forEach(record -> records.put(record.getMetadata().getName(), record));
        return records;
    }

    private static String payload(ConfigMap record) {
        String payload = record.getData() == null ? null : record.getData().get("release");
        if (payload == null) {
            throw new StepFailed("ConfigMap " + record.getMetadata().getName() + " has no release payload");
        }
        return payload;
    }

    private static boolean staleCopy(Secret secret) {
        var annotations = secret.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(STALE_COPY_ANNOTATION));
    }

    private static String secretPayload(Secret secret) {
        return SecretData.text(secret, "release").orElse(null);
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted while waiting for Tiller pods to stop");
        }
    }
}

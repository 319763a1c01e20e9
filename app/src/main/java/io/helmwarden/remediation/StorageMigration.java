package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.helmwarden.release.ReleaseDecodingException;
import io.helmwarden.release.ReleaseRecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The steps that move a Tiller's records from ConfigMaps to Secrets, against the API server. Every step is
 * idempotent: run twice (after a crash, a restart), it finds its work done and changes nothing. Writes use
 * resourceVersion preconditions; a conflict re-reads and decides again, never overwrites.
 */
final class StorageMigration implements RemediationSteps {

    static final String MIGRATED_LABEL = "helm-warden.io/migrated";
    static final String DELETE_AFTER_ANNOTATION = "helm-warden.io/delete-after";
    /** On a Secret left behind by a rollback: a copy of ours, which a later migration may refresh. */
    static final String STALE_COPY_ANNOTATION = "helm-warden.io/stale-copy";
    private static final Map<String, String> RECORD_LABELS = Map.of("OWNER", "TILLER");
    private static final Duration QUIESCE_TIMEOUT = Duration.ofMinutes(5);
    /** Writes in flight while copying: far below an API server's default limit of 200 mutating requests. */
    private static final int PARALLEL_WRITES = 16;
    private static final int PAGE = 100;

    private final KubernetesClient client;
    private final RemediationRun run;
    private final RemediationRuns runs;
    private final Instant deleteBackupsAfter;
    private final FaultPoint faults;

    StorageMigration(KubernetesClient client, RemediationRun run, RemediationRuns runs, Instant deleteBackupsAfter) {
        this(client, run, runs, deleteBackupsAfter, FaultPoint.NONE);
    }

    StorageMigration(KubernetesClient client, RemediationRun run, RemediationRuns runs, Instant deleteBackupsAfter,
            FaultPoint faults) {
        this.client = client;
        this.run = run;
        this.runs = runs;
        this.deleteBackupsAfter = deleteBackupsAfter;
        this.faults = faults;
    }

    @Override
    public String execute(String step) {
        return switch (step) {
            case "preflight" -> preflight();
            case "quiesce" -> quiesce();
            case "copy" -> copy();
            case "verify" -> verify();
            case "switch" -> switchStorage("secret");
            case "resume" -> resume();
            case "retire" -> retire();
            case "copy-back" -> copyBack();
            case "switch-back" -> switchStorage("configmap");
            case "unretire" -> unretire();
            default -> throw new IllegalStateException("unknown step " + step);
        };
    }

    private String preflight() {
        String rights = checkOwnRights();
        deployment();
        List<ConfigMap> records = configMapRecords();
        int identical = 0;
        long bytes = 0;
        for (ConfigMap record : records) {
            String payload = payload(record);
            bytes += payload.length();
            Secret existing = secret(record.getMetadata().getName());
            if (existing != null) {
                if (!payload.equals(secretPayload(existing)) && !staleCopy(existing)) {
                    throw new StepFailed("Secret " + run.storageNamespace() + "/" + record.getMetadata().getName()
                            + " already exists with different content: resolve it by hand before migrating");
                }
                identical++;
            }
        }
        return records.size() + " records (" + bytes + " bytes of payload); " + identical
                + " already have a Secret (identical, or our own copy from before a rollback); " + rights;
    }

    /** Asks the API server whether Helm Warden's own identity may do every write the run needs. */
    private String checkOwnRights() {
        List<String[]> needed = List.of(
                new String[] {"create", "", "secrets", run.storageNamespace()},
                new String[] {"list", "", "configmaps", run.storageNamespace()},
                new String[] {"update", "", "configmaps", run.storageNamespace()},
                new String[] {"update", "apps", "deployments", run.namespace()},
                new String[] {"list", "", "pods", run.namespace()});
        List<String> missing = new ArrayList<>();
        for (String[] right : needed) {
            var review = client.authorization().v1().selfSubjectAccessReview().create(
                    new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                            .withVerb(right[0]).withGroup(right[1]).withResource(right[2]).withNamespace(right[3])
                            .endResourceAttributes().endSpec().build());
            if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAllowed())) {
                missing.add(right[0] + " " + (right[1].isEmpty() ? "" : right[1] + "/") + right[2] + " in " + right[3]);
            }
        }
        if (!missing.isEmpty()) {
            throw new StepFailed("Helm Warden's identity may not " + String.join(", ", missing)
                    + ": grant these before migrating");
        }
        return "Helm Warden's identity holds every right the run needs";
    }

    private String quiesce() {
        Deployment deployment = deployment();
        int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
        // Recorded once, before scaling: a resumed run restores the count from before the migration.
        runs.originalReplicas(run.id(), replicas);
        if (replicas != 0) {
            scale(0);
        }
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
    private String copy() {
        Map<String, ConfigMap> records = new LinkedHashMap<>();
        configMapRecords().forEach(record -> records.put(record.getMetadata().getName(), record));
        Set<String> present = new HashSet<>();
        List<Secret> stale = new ArrayList<>();
        forEachSecretPage(page -> {
            for (Secret existing : page) {
                String name = existing.getMetadata().getName();
                ConfigMap record = records.get(name);
                if (record == null) {
                    continue;
                }
                if (staleCopy(existing)) {
                    stale.add(existing);
                } else if (!payload(record).equals(secretPayload(existing))) {
                    throw new StepFailed("Secret " + run.storageNamespace() + "/" + name
                            + " appeared with different content during the run: not overwritten");
                }
                present.add(name);
            }
        });
        for (Secret existing : stale) {
            // Our copy from before a rollback: Tiller may have rewritten the record since; the ConfigMap wins.
            ConfigMap record = records.get(existing.getMetadata().getName());
            Secret copy = new SecretBuilder(existing).withData(Map.of("release", base64(payload(record))))
                    .editMetadata().withLabels(record.getMetadata().getLabels())
                    .removeFromAnnotations(STALE_COPY_ANNOTATION).endMetadata().build();
            client.secrets().inNamespace(run.storageNamespace()).resource(copy).update();
        }
        List<ConfigMap> missing = records.values().stream()
                .filter(record -> !present.contains(record.getMetadata().getName())).toList();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger raced = new AtomicInteger();
        inParallel(missing, record -> {
            String name = record.getMetadata().getName();
            String payload = payload(record);
            Secret secret = new SecretBuilder()
                    .withNewMetadata().withName(name).withNamespace(run.storageNamespace())
                    .withLabels(record.getMetadata().getLabels()).endMetadata()
                    // Tiller's secret driver stores the payload string as the Secret's bytes, with no type.
                    .withData(Map.of("release", base64(payload)))
                    .build();
            try {
                client.secrets().inNamespace(run.storageNamespace()).resource(secret).create();
                int done = created.incrementAndGet();
                heartbeat(done);
                faults.reached("copied " + done);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // Created between our read and our write: judged like one found before.
                if (!payload.equals(secretPayload(secret(name)))) {
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
    private String verify() {
        Map<String, ConfigMap> records = new LinkedHashMap<>();
        configMapRecords().forEach(record -> records.put(record.getMetadata().getName(), record));
        Set<String> verified = new HashSet<>();
        forEachSecretPage(page -> {
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

    /** Tiller's Secrets in pages of {@value #PAGE}: a thousand records near 1 MB must not sit in memory at once. */
    private void forEachSecretPage(java.util.function.Consumer<List<Secret>> consumer) {
        String continueToken = null;
        do {
            var page = client.secrets().inNamespace(run.storageNamespace()).withLabels(RECORD_LABELS)
                    .list(new ListOptionsBuilder().withLimit((long) PAGE).withContinue(continueToken).build());
            consumer.accept(page.getItems());
            continueToken = page.getMetadata().getContinue();
        } while (continueToken != null && !continueToken.isEmpty());
    }

    /**
     * Runs the action for every item with {@value #PARALLEL_WRITES} in flight; the first failure stops the
     * rest and is thrown as it was (an Error stays an Error: a crash is not a step failure).
     */
    private static <T> void inParallel(List<T> items, java.util.function.Consumer<T> action) {
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

    private String switchStorage(String backend) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Deployment deployment = deployment();
            var container = tillerContainer(deployment);
            var flags = TillerFlag.set(container.getCommand(), container.getArgs(), "storage", backend);
            boolean unchanged = Objects.equals(emptyToNull(container.getCommand()), flags.command())
                    && Objects.equals(Objects.requireNonNullElse(container.getArgs(), List.of()), flags.args());
            if (unchanged) {
                return "already --storage=" + backend;
            }
            Deployment changed = new DeploymentBuilder(deployment).build();
            var target = tillerContainer(changed);
            target.setCommand(flags.command());
            target.setArgs(flags.args());
            try {
                // resourceVersion is kept: a concurrent change makes this fail, and we decide again.
                client.apps().deployments().inNamespace(run.namespace()).resource(changed).update();
                return (flags.command() == null ? "" : "command " + flags.command() + ", ") + "args " + flags.args();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        throw new StepFailed("the Deployment kept changing while switching its storage flag");
    }

    private String resume() {
        int replicas = Objects.requireNonNullElse(run.originalReplicas(), 1);
        scale(replicas);
        return "scaled back to " + replicas;
    }

    /**
     * Labels each ConfigMap as a backup, but only if it still equals its verified Secret: a record someone
     * changed after the copy is reported, not retired. The update carries the resourceVersion just compared.
     */
    private String retire() {
        int labelled = 0;
        for (ConfigMap record : configMapRecords()) {
            if ("true".equals(record.getMetadata().getLabels().get(MIGRATED_LABEL))) {
                continue;
            }
            String name = record.getMetadata().getName();
            Secret secret = secret(name);
            if (secret == null || !payload(record).equals(secretPayload(secret))) {
                throw new StepFailed("ConfigMap " + run.storageNamespace() + "/" + name
                        + " changed after it was copied (a concurrent writer?): its Secret was not overwritten and"
                        + " it was not retired; compare both, then resume");
            }
            ConfigMap backup = new ConfigMapBuilder(record).editMetadata()
                    .addToLabels(MIGRATED_LABEL, "true")
                    .addToAnnotations(DELETE_AFTER_ANNOTATION, deleteBackupsAfter.toString())
                    .endMetadata().build();
            try {
                client.configMaps().inNamespace(run.storageNamespace()).resource(backup).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    throw new StepFailed("ConfigMap " + run.storageNamespace() + "/" + name
                            + " changed while being retired (a concurrent writer?); resume to compare it again");
                }
                throw e;
            }
            labelled++;
            heartbeat(labelled);
        }
        return labelled + " ConfigMaps kept as backups, labelled " + MIGRATED_LABEL + "=true, to be deleted after "
                + deleteBackupsAfter;
    }

    /** Secrets Tiller wrote or changed since the migration become ConfigMaps again; nothing is deleted. */
    private String copyBack() {
        Map<String, ConfigMap> configMaps = new HashMap<>();
        configMapRecords().forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm));
        int created = 0;
        int updated = 0;
        for (Secret secret : client.secrets().inNamespace(run.storageNamespace()).withLabels(RECORD_LABELS).list()
                .getItems()) {
            String name = secret.getMetadata().getName();
            String payload = secretPayload(secret);
            ConfigMap existing = configMaps.get(name);
            if (existing == null) {
                client.configMaps().inNamespace(run.storageNamespace()).resource(new ConfigMapBuilder()
                        .withNewMetadata().withName(name).withNamespace(run.storageNamespace())
                        .withLabels(secret.getMetadata().getLabels()).endMetadata()
                        .withData(Map.of("release", payload)).build()).create();
                created++;
            } else if (!payload.equals(payload(existing))) {
                // Tiller rewrote this revision (an upgrade supersedes the previous one): its newest content wins.
                ConfigMap changed = new ConfigMapBuilder(existing)
                        .withData(Map.of("release", payload)).editMetadata()
                        .withLabels(new HashMap<>(secret.getMetadata().getLabels())).endMetadata().build();
                client.configMaps().inNamespace(run.storageNamespace()).resource(changed).update();
                updated++;
            }
        }
        return created + " ConfigMaps created and " + updated + " updated from records Tiller wrote as Secrets";
    }

    private String unretire() {
        int unlabelled = 0;
        for (ConfigMap record : configMapRecords()) {
            if (record.getMetadata().getLabels().containsKey(MIGRATED_LABEL)) {
                client.configMaps().inNamespace(run.storageNamespace()).withName(record.getMetadata().getName())
                        .edit(configMap -> {
                            configMap.getMetadata().getLabels().remove(MIGRATED_LABEL);
                            if (configMap.getMetadata().getAnnotations() != null) {
                                configMap.getMetadata().getAnnotations().remove(DELETE_AFTER_ANNOTATION);
                            }
                            return configMap;
                        });
                unlabelled++;
            }
        }
        int marked = 0;
        for (Secret secret : client.secrets().inNamespace(run.storageNamespace()).withLabels(RECORD_LABELS).list()
                .getItems()) {
            if (!staleCopy(secret)) {
                client.secrets().inNamespace(run.storageNamespace()).withName(secret.getMetadata().getName())
                        .edit(s -> {
                            if (s.getMetadata().getAnnotations() == null) {
                                s.getMetadata().setAnnotations(new HashMap<>());
                            }
                            s.getMetadata().getAnnotations().put(STALE_COPY_ANNOTATION, "true");
                            return s;
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
        for (int attempt = 0; attempt < 5; attempt++) {
            Deployment deployment = deployment();
            if (Objects.equals(deployment.getSpec().getReplicas(), replicas)) {
                return;
            }
            Deployment changed = new DeploymentBuilder(deployment).editSpec().withReplicas(replicas).endSpec().build();
            try {
                client.apps().deployments().inNamespace(run.namespace()).resource(changed).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        throw new StepFailed("the Deployment kept changing while scaling it to " + replicas);
    }

    private Deployment deployment() {
        Deployment deployment = client.apps().deployments().inNamespace(run.namespace()).withName(run.tillerName()).get();
        if (deployment == null) {
            throw new StepFailed("Deployment " + run.namespace() + "/" + run.tillerName() + " is gone");
        }
        return deployment;
    }

    private List<Pod> runningPods() {
        var labels = deployment().getSpec().getSelector().getMatchLabels();
        return client.pods().inNamespace(run.namespace()).withLabels(labels).list().getItems().stream()
                .filter(pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))
                .toList();
    }

    /** Records Tiller itself wrote; backups from an earlier run are records too. */
    private List<ConfigMap> configMapRecords() {
        return new ArrayList<>(client.configMaps().inNamespace(run.storageNamespace()).withLabels(RECORD_LABELS).list()
                .getItems());
    }

    private Secret secret(String name) {
        return client.secrets().inNamespace(run.storageNamespace()).withName(name).get();
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

    private static String base64(String payload) {
        return Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.US_ASCII));
    }

    private static String secretPayload(Secret secret) {
        String data = secret.getData() == null ? null : secret.getData().get("release");
        return data == null ? null : new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
    }

    /** The container that runs Tiller: by image, else by name, else the first. */
    static Container tillerContainer(Deployment deployment) {
        var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(c -> c.getImage() != null && c.getImage().contains("tiller")).findFirst()
                .or(() -> containers.stream().filter(c -> "tiller".equals(c.getName())).findFirst())
                .orElse(containers.get(0));
    }

    private static List<String> emptyToNull(List<String> list) {
        return list == null || list.isEmpty() ? null : list;
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

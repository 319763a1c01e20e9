package io.helmwarden.remediation;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.demo.DemoFleet;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Hook;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Helm 2 Tillers with releases Tiller could have written, for conversions on the real API server: each release's
 * manifest describes a ConfigMap in its namespace, and the test creates that object as Tiller would have, so Helm 3
 * finds live objects when it upgrades or uninstalls the converted release.
 */
final class Helm3Fixtures {

    static final Instant DEPLOYED_AT = Instant.parse("2020-03-01T10:00:00Z");

    private final KubernetesClient admin;
    private final MigrationFixtures tillers;

    Helm3Fixtures(KubernetesClient admin) {
        this.admin = admin;
        this.tillers = new MigrationFixtures(admin);
    }

    /** A Tiller without records, and the namespace its releases go to. */
    String tillerWithAppsNamespace(String ns, String apps) {
        tillers.tiller(new HelmInit(ns).args("--listen=127.0.0.1:44134"), 2, 0, 0);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(apps).endMetadata().build()).create();
        return ns;
    }

    /**
     * A Tiller as a team left it in production: its own service account bound to cluster-admin, a Service, TLS from
     * {@code tiller-secret}; no records yet.
     */
    String exposedTiller(String ns, String apps) {
        HelmInit init = new HelmInit(ns).serviceAccount("tiller").tlsVerifyWithExistingSecret().serviceType("ClusterIP")
                .args("--listen=127.0.0.1:44134");
        tillers.tiller(init, 1, 0, 0);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(apps).endMetadata().build()).create();
        init.objects().stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.Service)
                .forEach(service -> admin.resource(service).create());
        admin.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("tiller-secret").endMetadata().withStringData(Map.of("tls.crt", "-", "tls.key", "-", "ca.crt", "-"))
                .build()).create();
        admin.rbac().clusterRoleBindings().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
                .withNewMetadata().withName(ns + "-tiller-admin").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin")
                .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("tiller").withNamespace(ns).endSubject()
                .build()).create();
        return ns;
    }

    /** Revisions 1..n of a release, the newest with {@code newest}, older ones superseded, all Tiller's records. */
    void history(String tillerNs, String release, String apps, int revisions, Status.Code newest, String values) {
        List<HasMetadata> objects = new ArrayList<>();
        for (int revision = 1; revision <= revisions; revision++) {
            Status.Code code = revision == revisions ? newest : Status.Code.SUPERSEDED;
            objects.add(ReleaseRecords.create(revision(release, apps, revision, code, values).build(),
                    ReleaseStorage.CONFIGMAP, tillerNs, DEPLOYED_AT.plusSeconds(revision)));
        }
        DemoFleet.createIn(admin, objects);
        if (newest == Status.Code.DEPLOYED) {
            admin.configMaps().inNamespace(apps).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName(release + "-config").endMetadata()
                    .withData(Map.of("replicas", "2")).build()).create();
        }
    }

    void record(String tillerNs, Release release) {
        DemoFleet.createIn(admin, List.of(ReleaseRecords.create(release, ReleaseStorage.CONFIGMAP, tillerNs, DEPLOYED_AT)));
    }

    static Release.Builder revision(String release, String apps, int revision, Status.Code code, String values) {
        String manifest = "---\n# Source: " + release + "/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n"
                + "metadata:\n  name: " + release + "-config\ndata:\n  replicas: \"2\"\n";
        return Release.newBuilder().setName(release).setNamespace(apps).setVersion(revision)
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(code).setNotes("Thanks for installing"))
                        .setFirstDeployed(at(DEPLOYED_AT)).setLastDeployed(at(DEPLOYED_AT.plusSeconds(revision)))
                        .setDescription(revision == 1 ? "Install complete" : "Upgrade complete"))
                .setChart(Chart.newBuilder()
                        .setMetadata(Metadata.newBuilder().setName(release).setVersion("1.2." + revision)
                                .setApiVersion("v1").setAppVersion("2.0").setEngine("gotpl").setDescription("demo"))
                        .addTemplates(Template.newBuilder().setName("templates/configmap.yaml").setData(ByteString.copyFromUtf8(
                                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
                                        + "data:\n  replicas: {{ .Values.replicas | quote }}\n")))
                        .setValues(Config.newBuilder().setRaw("replicas: 1\n")))
                .setConfig(Config.newBuilder().setRaw(values))
                .setManifest(manifest);
    }

    /** A release with hooks Helm 3 ignores or reinterprets, and requirements. */
    static Release hooked(String apps) {
        return revision("hooked", apps, 1, Status.Code.DEPLOYED, "replicas: 2\n").addHooks(Hook.newBuilder()
                        .setName("hooked-db").setKind("Job").setPath("hooked/templates/db.yaml")
                        .setManifest("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hooked-db\n")
                        .addEvents(Hook.Event.PRE_INSTALL).setWeight(-5).addDeletePolicies(Hook.DeletePolicy.SUCCEEDED))
                .addHooks(Hook.newBuilder().setName("hooked-crd").setKind("CustomResourceDefinition")
                        .setManifest("apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\n")
                        .addEvents(Hook.Event.CRD_INSTALL))
                .addHooks(Hook.newBuilder().setName("hooked-fails").setKind("Pod")
                        .setManifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: hooked-fails\n")
                        .addEvents(Hook.Event.RELEASE_TEST_FAILURE))
                .setChart(revision("hooked", apps, 1, Status.Code.DEPLOYED, "").getChart().toBuilder()
                        .addFiles(Any.newBuilder().setTypeUrl("requirements.yaml").setValue(ByteString.copyFromUtf8(
                                "dependencies:\n- name: db\n  version: 1.0.0\n  repository: https://charts.example\n")))
                        .addDependencies(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName("db").setVersion("1.0.0"))))
                .build();
    }

    /** A chart directory for the release's next version, as a team would upgrade it with Helm 3. */
    static Path nextChart(Path dir, String release) throws IOException {
        Path chart = Files.createDirectories(dir.resolve(release));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v1\nname: " + release + "\nversion: 1.3.0\nappVersion: \"2.1\"\n");
        Files.writeString(chart.resolve("values.yaml"), "replicas: 1\n");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("templates/configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                + "  name: {{ .Release.Name }}-config\ndata:\n  replicas: {{ .Values.replicas | quote }}\n  version: \"1.3.0\"\n");
        return chart;
    }

    Map<String, String> helm3Secrets(String apps) {
        return admin.secrets().inNamespace(apps).withLabel("owner", "helm").list().getItems().stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s.getMetadata().getLabels().getOrDefault("status", "")));
    }

    Map<String, String> v2Owners(String tillerNs) {
        return admin.configMaps().inNamespace(tillerNs).list().getItems().stream()
                .filter(cm -> cm.getMetadata().getLabels() != null && cm.getMetadata().getLabels().containsKey("NAME"))
                .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), cm -> cm.getMetadata().getLabels().get("OWNER")));
    }

    Map<String, String> v2Payloads(String tillerNs) {
        return admin.configMaps().inNamespace(tillerNs).list().getItems().stream()
                .filter(cm -> cm.getData() != null && cm.getData().containsKey("release"))
                .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), cm -> cm.getData().get("release")));
    }

    private static Timestamp at(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}

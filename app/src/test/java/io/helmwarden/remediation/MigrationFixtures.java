package io.helmwarden.remediation;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.demo.DemoFleet;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Tillers with genuinely encoded records on the real API server, and what their records hold. */
final class MigrationFixtures {

    private final KubernetesClient admin;

    MigrationFixtures(KubernetesClient admin) {
        this.admin = admin;
    }

    /** The migration's plan for a Tiller, as its preview shows it. */
    static RemediationPlan migration(Tiller tiller) {
        return RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, new PlanInput.Settings(200, false)));
    }

    /** Runs one step of a migration run as the executor would, with the given client's identity. */
    static String step(KubernetesClient client, RemediationRun run, RemediationRuns runs, String step) {
        return RemediationKind.MIGRATE_STORAGE.run(new StepContext(ClusterObjects.of("real", client), run, runs, null,
                Instant.now(), FaultPoint.NONE, null), step);
    }

    /** A Tiller with {@code records} small records of every status and {@code large} near the size limit. */
    String tiller(HelmInit init, int replicas, int records, int large) {
        String ns = init.namespace();
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        objects.add(new ServiceAccountBuilder().withNewMetadata().withName("tiller")
                .withNamespace(ns).endMetadata().build());
        init.objects().stream().filter(o -> !(o instanceof Service)).forEach(objects::add);
        var deployment = (Deployment) objects.stream()
                .filter(o -> o.getKind().equals("Deployment")).findFirst().orElseThrow();
        deployment.getSpec().setReplicas(replicas);
        Status.Code[] codes = Arrays.stream(Status.Code.values()).filter(c -> c != Status.Code.UNRECOGNIZED)
                .toArray(Status.Code[]::new);
        Instant created = Instant.parse("2020-01-01T00:00:00Z");
        for (int i = 0; i < records; i++) {
            objects.add(ReleaseRecords.create(release("app" + (i / 4), i % 4 + 1, codes[i % codes.length], 200),
                    ReleaseStorage.CONFIGMAP, ns, created.plusSeconds(i)));
        }
        for (int i = 0; i < large; i++) {
            // Random bytes do not compress: about 930 KB once base64-encoded, under the API's 1 MiB limit.
            objects.add(ReleaseRecords.create(release("big" + i, 1, Status.Code.DEPLOYED, 690_000),
                    ReleaseStorage.CONFIGMAP, ns, created));
        }
        DemoFleet.createIn(admin, objects);
        return ns;
    }

    static Release release(String name, int revision, Status.Code code, int manifestBytes) {
        byte[] noise = new byte[manifestBytes];
        new SecureRandom().nextBytes(noise);
        return Release.newBuilder().setName(name).setVersion(revision).setNamespace("apps")
                .setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName("chart").setVersion("1.0.0"))
                        .addTemplates(Template.newBuilder().setName("t")
                                .setData(ByteString.copyFrom(noise))))
                .setConfig(Config.newBuilder().setRaw("password: secret-" + name))
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(code)))
                .build();
    }

    Map<String, String> configMapPayloads(String ns) {
        return admin.configMaps().inNamespace(ns).withLabel("OWNER", "TILLER").list().getItems().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), (ConfigMap cm) -> cm.getData().get("release")));
    }

    Map<String, String> secretPayloads(String ns) {
        return admin.secrets().inNamespace(ns).list().getItems().stream()
                .filter(s -> s.getData() != null && s.getData().containsKey("release"))
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), (Secret s) -> new String(
                        Base64.getDecoder().decode(s.getData().get("release")), StandardCharsets.US_ASCII)));
    }
}

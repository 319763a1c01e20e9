package io.helmwarden.benchmark;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.helminit.HelmInit;
import io.helmwarden.pki.CertificateAuthority;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.release.hapi.chart.Chart;
import io.helmwarden.release.hapi.chart.Config;
import io.helmwarden.release.hapi.chart.Metadata;
import io.helmwarden.release.hapi.chart.Template;
import io.helmwarden.release.hapi.release.Info;
import io.helmwarden.release.hapi.release.Release;
import io.helmwarden.release.hapi.release.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A synthetic fleet on the real API server, shaped like the fixtures: Tillers in five configurations (the
 * default cluster-admin one, hardened, TLS without verification, exposed with Secret storage, scoped with an
 * outsider allowed to drive it), team namespaces with Roles and bindings, and release records whose payloads
 * are genuinely encoded and sized like real ones: most a few KB, some tens of KB, a few near 1 MB.
 */
final class FleetGenerator {

    /** What was made. */
    record Fleet(int tillers, int records, long payloadBytes, int rbacObjects, List<String> driverBindings,
            Duration took) {
    }

    static final int CONFIGURATIONS = 5;

    private final KubernetesClient client;
    private final Random random = new Random(42);
    private final CertificateAuthority ca = CertificateAuthority.create("bench CA", Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(365)));

    FleetGenerator(KubernetesClient client) {
        this.client = client;
    }

    static String tillerNamespace(int i) {
        return "c" + (i % 3 + 1) + "-t" + i + "-tiller";
    }

    static String appNamespace(int i) {
        return "c" + (i % 3 + 1) + "-t" + i + "-apps";
    }

    Fleet generate(int tillers, int records) throws Exception {
        long start = System.nanoTime();
        List<HasMetadata> objects = new ArrayList<>();
        List<String> driverBindings = new ArrayList<>();
        int rbac = 0;
        for (int i = 0; i < tillers; i++) {
            String ns = tillerNamespace(i);
            String apps = appNamespace(i);
            objects.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
            objects.add(new NamespaceBuilder().withNewMetadata().withName(apps).endMetadata().build());
            objects.add(new ServiceAccountBuilder().withNewMetadata().withName("tiller").withNamespace(ns).endMetadata().build());
            HelmInit init = new HelmInit(ns).serviceAccount("tiller");
            switch (i % CONFIGURATIONS) {
                case 0 -> {
                    objects.add(new ClusterRoleBindingBuilder().withNewMetadata().withName(ns + "-admin").endMetadata()
                            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                            .addNewSubject().withKind("ServiceAccount").withName("tiller").withNamespace(ns).endSubject()
                            .build());
                    rbac++;
                }
                case 1 -> {
                    var server = ca.issueServer("tiller", List.of("127.0.0.1", "localhost"), Instant.now().minusSeconds(60),
                            Instant.now().plus(Duration.ofDays(200)));
                    init.tlsVerify(server, ca.certificatePem()).args("--storage=secret", "--listen=127.0.0.1:44134")
                            .historyMax(50).serviceType(null);
                    objects.add(new NetworkPolicyBuilder().withNewMetadata().withName("deny").withNamespace(ns).endMetadata()
                            .withNewSpec().withNewPodSelector().withMatchLabels(HelmInit.LABELS).endPodSelector()
                            .withPolicyTypes("Ingress").endSpec().build());
                }
                case 2 -> init.tls(ca.issueServer("tiller", List.of("tiller-deploy"), Instant.now().minusSeconds(60),
                        Instant.now().plus(Duration.ofDays(10))));
                case 3 -> init.args("--storage=secret").serviceType("NodePort");
                default -> init.historyMax(100);
            }
            objects.addAll(init.objects());
            if (i % CONFIGURATIONS != 0) {
                // Workload rights in its apps namespace, storage rights in its own.
                objects.add(new RoleBuilder().withNewMetadata().withName("tiller-manager").withNamespace(apps).endMetadata()
                        .addNewRule().withApiGroups("", "apps", "batch", "extensions").withResources("*").withVerbs("*")
                        .endRule().build());
                objects.add(new RoleBindingBuilder().withNewMetadata().withName("tiller-manager").withNamespace(apps)
                        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "tiller-manager")
                        .addNewSubject().withKind("ServiceAccount").withName("tiller").withNamespace(ns).endSubject().build());
                objects.add(new RoleBuilder().withNewMetadata().withName("tiller-storage").withNamespace(ns).endMetadata()
                        .addNewRule().withApiGroups("").withResources("configmaps", "secrets").withVerbs("*").endRule()
                        .build());
                objects.add(new RoleBindingBuilder().withNewMetadata().withName("tiller-storage").withNamespace(ns)
                        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "tiller-storage")
                        .addNewSubject().withKind("ServiceAccount").withName("tiller").withNamespace(ns).endSubject().build());
                rbac += 4;
            }
            // Who may reach it: its team's developers, and in one configuration an outsider too.
            objects.add(new RoleBuilder().withNewMetadata().withName("tiller-user").withNamespace(ns).endMetadata()
                    .addNewRule().withApiGroups("").withResources("pods").withVerbs("list").endRule()
                    .addNewRule().withApiGroups("").withResources("pods/portforward").withVerbs("create").endRule().build());
            var users = new RoleBindingBuilder().withNewMetadata().withName("tiller-users").withNamespace(ns).endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", "tiller-user")
                    .addNewSubject().withKind("Group").withName("team-" + i).withApiGroup("rbac.authorization.k8s.io").endSubject();
            objects.add(users.build());
            rbac += 2;
            if (i % CONFIGURATIONS == 4) {
                objects.add(new RoleBindingBuilder().withNewMetadata().withName("contractor").withNamespace(ns).endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "tiller-user")
                        .addNewSubject().withKind("User").withName("contractor-" + i).withApiGroup("rbac.authorization.k8s.io")
                        .endSubject().build());
                driverBindings.add(ns + "/contractor");
                rbac++;
            }
        }
        createAll(objects, 16);

        // Records: releases of several revisions each; the storage kind the Tiller reads.
        AtomicLong bytes = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Status.Code[] codes = {Status.Code.SUPERSEDED, Status.Code.SUPERSEDED, Status.Code.SUPERSEDED, Status.Code.DEPLOYED};
        for (int r = 0; r < records; r++) {
            int tiller = r % tillers;
            int perTiller = r / tillers;
            int release = perTiller / 4;
            int revision = perTiller % 4 + 1;
            int size = payloadSize();
            long seed = random.nextLong();
            ReleaseStorage storage = tiller % CONFIGURATIONS == 1 || tiller % CONFIGURATIONS == 3
                    ? ReleaseStorage.SECRET : ReleaseStorage.CONFIGMAP;
            futures.add(pool.submit(() -> {
                String ns = tillerNamespace(tiller);
                HasMetadata record = ReleaseRecords.create(release("r" + release, revision, codes[revision - 1],
                        appNamespace(tiller), size, seed), storage, ns, Instant.parse("2020-01-01T00:00:00Z")
                        .plusSeconds(revision * 3600L));
                bytes.addAndGet(size);
                create(record);
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        return new Fleet(tillers, records, bytes.get(), rbac, driverBindings, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Most releases are a few KB once encoded, some tens of KB, a few approach the 1 MiB object limit. */
    private int payloadSize() {
        double p = random.nextDouble();
        if (p < 0.80) {
            return 1_500 + random.nextInt(6_000);
        } else if (p < 0.98) {
            return 7_500 + random.nextInt(40_000);
        } else if (p < 0.998) {
            return 50_000 + random.nextInt(170_000);
        }
        return 300_000 + random.nextInt(380_000);
    }

    static Release release(String name, int revision, Status.Code code, String namespace, int manifestBytes, long seed) {
        byte[] noise = new byte[manifestBytes];
        new Random(seed).nextBytes(noise);
        return Release.newBuilder().setName(name).setVersion(revision).setNamespace(namespace)
                .setChart(Chart.newBuilder().setMetadata(Metadata.newBuilder().setName("app").setVersion("1.0." + revision))
                        .addTemplates(Template.newBuilder().setName("templates/all.yaml").setData(ByteString.copyFrom(noise))))
                .setConfig(Config.newBuilder().setRaw("password: not-a-real-one"))
                .setInfo(Info.newBuilder().setStatus(Status.newBuilder().setCode(code)))
                .build();
    }

    private void createAll(List<HasMetadata> objects, int threads) throws Exception {
        // Namespaces first, then everything else in parallel.
        for (HasMetadata object : objects) {
            if (object.getKind().equals("Namespace")) {
                create(object);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (!object.getKind().equals("Namespace")) {
                futures.add(pool.submit(() -> {
                    create(object);
                    return null;
                }));
            }
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
    }

    private void create(HasMetadata object) {
        client.resource(object).create();
    }
}

package io.helmwarden.check;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.helmwarden.inventory.HelmVersion;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.ReleaseSummary;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * What each check looks at: one pure function per check id, from a Tiller to the evidence of each
 * failure (none when it passes). The words people read are in the check's YAML definition.
 */
final class TillerChecks {

    /** The evidence of one failure: template values, and a severity when the check raises its own. */
    record Evidence(Map<String, String> values, Optional<Severity> severity) {

        static Evidence of(Tiller tiller, String detail, String... keyValues) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("deployment", tiller.workload());
            values.put("detail", detail);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                values.put(keyValues[i], keyValues[i + 1]);
            }
            return new Evidence(values, Optional.empty());
        }

        Evidence raisedTo(Severity raised) {
            return new Evidence(values, Optional.of(raised));
        }
    }

    record Context(Instant now, Duration certificateExpiryWarning, Teams teams) {
    }

    static final Map<String, BiFunction<Tiller, Context, List<Evidence>>> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("tiller-cluster-admin", (t, c) -> t.rbac().clusterAdmin().stream()
                .map(grant -> Evidence.of(t, grant.describeBinding(), "binding", grant.describeBinding(),
                        "role", grant.roleKind() + " " + grant.roleName()))
                .toList());
        CHECKS.put("tiller-can-escalate", (t, c) -> t.rbac().escalations().stream()
                .map(e -> Evidence.of(t, e.permission() + " through " + e.grant().describeBinding(),
                        "permission", e.permission(), "binding", e.grant().describeBinding()))
                .toList());
        CHECKS.put("tiller-default-service-account", (t, c) -> t.serviceAccountExplicit() ? List.of()
                : List.of(Evidence.of(t, "spec.template.spec.serviceAccountName is not set", "serviceAccount",
                        t.namespace() + "/default")));
        CHECKS.put("grpc-no-tls", (t, c) -> t.tls().enabled() ? List.of()
                : List.of(Evidence.of(t, t.tls().source())));
        CHECKS.put("tls-no-client-verification", (t, c) -> t.tls().enabled() && !t.tls().verify()
                ? List.of(Evidence.of(t, t.tls().source())) : List.of());
        CHECKS.put("helm-before-tls-enforcement", (t, c) -> t.version()
                .filter(version -> version.compareTo(HelmVersion.TLS_ENFORCED) < 0)
                .map(version -> List.of(Evidence.of(t, "image " + t.image(), "version", version.toString())))
                .orElse(List.of()));
        CHECKS.put("certificate-expired", (t, c) -> t.tls().enabled() ? t.tls().certificate()
                .filter(cert -> cert.notAfter().isBefore(c.now()))
                .map(cert -> List.of(Evidence.of(t, "Secret " + t.namespace() + "/" + t.tls().secretName() + " tls.crt",
                        "notAfter", cert.notAfter().toString(), "subject", cert.subject())))
                .orElse(List.of()) : List.of());
        CHECKS.put("certificate-expiring", (t, c) -> t.tls().enabled() ? t.tls().certificate()
                .filter(cert -> !cert.notAfter().isBefore(c.now())
                        && cert.notAfter().isBefore(c.now().plus(c.certificateExpiryWarning())))
                .map(cert -> List.of(Evidence.of(t, "Secret " + t.namespace() + "/" + t.tls().secretName() + " tls.crt",
                        "notAfter", cert.notAfter().toString(),
                        "days", Long.toString(ChronoUnit.DAYS.between(c.now(), cert.notAfter())))))
                .orElse(List.of()) : List.of());
        CHECKS.put("certificate-no-loopback-san", (t, c) -> t.tls().enabled() ? t.tls().certificate()
                .filter(cert -> !cert.subjectAltNames().contains("127.0.0.1"))
                .map(cert -> List.of(Evidence.of(t, "Secret " + t.namespace() + "/" + t.tls().secretName() + " tls.crt",
                        "sans", cert.subjectAltNames().isEmpty() ? "none" : String.join(", ", cert.subjectAltNames()))))
                .orElse(List.of()) : List.of());
        CHECKS.put("releases-in-configmaps", (t, c) -> t.storage().inConfigMaps()
                ? List.of(Evidence.of(t, t.storage().source(), "count", Integer.toString(t.storage().configMapRecords())))
                : List.of());
        CHECKS.put("stale-records-other-storage", (t, c) -> t.storage().staleRecords() > 0
                ? List.of(Evidence.of(t, "Tiller reads " + t.storage().backend() + " (" + t.storage().source() + ")",
                        "count", Integer.toString(t.storage().staleRecords()), "kind", t.storage().staleKind()))
                : List.of());
        // The id says "all interfaces" for history; the words follow what the flag says: every interface, or one.
        CHECKS.put("listens-on-all-interfaces", (t, c) -> t.exposure().loopbackOnly() ? List.of()
                : List.of(Evidence.of(t, "--listen " + t.exposure().listen(), "listen", t.exposure().listen(), "where",
                        listensEverywhere(t.exposure().listen()) ? "every network interface"
                                : "the pod's address " + t.exposure().listen().substring(0,
                                        Math.max(0, t.exposure().listen().lastIndexOf(':'))) + ", reachable from other pods")));
        CHECKS.put("exposed-by-service", (t, c) -> t.exposure().services().stream()
                .map(service -> {
                    var evidence = Evidence.of(t, "Service " + t.namespace() + "/" + service.name() + " ports "
                            + String.join(", ", service.ports()), "service", t.namespace() + "/" + service.name(),
                            "type", service.type());
                    return service.outsideCluster() ? evidence.raisedTo(Severity.HIGH) : evidence;
                })
                .toList());
        CHECKS.put("host-network", (t, c) -> t.exposure().hostNetwork()
                ? List.of(Evidence.of(t, "spec.template.spec.hostNetwork: true")) : List.of());
        CHECKS.put("no-network-policy", (t, c) -> t.exposure().ingressPolicies().isEmpty()
                ? List.of(Evidence.of(t, "no NetworkPolicy in " + t.namespace() + " selects the Tiller pods for Ingress"))
                : List.of());
        CHECKS.put("tiller-in-kube-system", (t, c) -> "kube-system".equals(t.namespace())
                ? List.of(Evidence.of(t, "namespace kube-system")) : List.of());
        CHECKS.put("unexpected-drivers", (t, c) -> t.rbac().unexpectedDrivers().isEmpty() ? List.of()
                : List.of(Evidence.of(t, "may list pods and create pods/portforward in " + t.namespace(),
                        "subjects", describe(t.rbac().unexpectedDrivers()))));
        CHECKS.put("identity-can-be-stolen", (t, c) -> t.rbac().unexpectedThieves().isEmpty() ? List.of()
                : List.of(Evidence.of(t, "may create pods or read Secrets in " + t.namespace(),
                        "subjects", describe(t.rbac().unexpectedThieves()))));
        CHECKS.put("unlimited-history", (t, c) -> t.historyMax() == 0
                ? List.of(Evidence.of(t, "TILLER_HISTORY_MAX / --history-max is 0")) : List.of());
        CHECKS.put("releases-outside-scope", TillerChecks::releasesOutsideScope);
        CHECKS.put("records-in-foreign-namespace", (t, c) -> t.storage().foreign()
                ? List.of(Evidence.of(t, t.storage().namespaceSource(), "namespace",
                        t.storage().namespace().isEmpty() ? "an unresolved namespace" : t.storage().namespace()))
                : List.of());
        CHECKS.put("unowned-tiller", (t, c) -> t.team().isPresent() ? List.of()
                : List.of(Evidence.of(t, "no team in helmwarden.teams owns namespace " + t.namespace()
                        + " on cluster " + t.cluster())));
        CHECKS.put("helm2-end-of-life", (t, c) -> List.of(Evidence.of(t, "image " + t.image(), "version",
                t.version().map(HelmVersion::toString).orElse("unknown"))));
    }

    private TillerChecks() {
    }

    /** The newest readable revision of each release, judged by where it deployed. */
    private static List<Evidence> releasesOutsideScope(Tiller tiller, Context context) {
        List<Evidence> evidence = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ReleaseRecord record : tiller.records()) {
            if (!seen.add(record.release())) {
                continue;
            }
            Optional<ReleaseSummary> summary = record.summary().filter(ReleaseSummary::readable);
            if (summary.isEmpty() || summary.get().targetNamespace().isEmpty()) {
                continue;
            }
            String target = summary.get().targetNamespace();
            Optional<String> owner = context.teams().owner(tiller.cluster(), target).map(Team::id);
            if (!tiller.rbac().scope().includes(target)) {
                evidence.add(Evidence.of(tiller, "release " + record.release() + " is in " + target
                        + ", where Tiller's account may not create workloads", "release", record.release(), "namespace", target));
            } else if (owner.isPresent() && tiller.team().isPresent() && !owner.equals(tiller.team())) {
                evidence.add(Evidence.of(tiller, "release " + record.release() + " is in " + target + ", owned by team "
                        + owner.get(), "release", record.release(), "namespace", target));
            }
        }
        return evidence;
    }

    /** Go's net.Listen: an empty host, 0.0.0.0 or [::] binds every interface. */
    private static boolean listensEverywhere(String listen) {
        String host = listen.contains(":") ? listen.substring(0, listen.lastIndexOf(':')) : listen;
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::");
    }

    private static String describe(Collection<Subject> subjects) {
        return subjects.stream()
                .map(s -> s.getKind() + " " + (s.getNamespace() == null ? "" : s.getNamespace() + "/") + s.getName())
                .sorted().collect(Collectors.joining(", "));
    }
}

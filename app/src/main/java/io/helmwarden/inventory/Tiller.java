package io.helmwarden.inventory;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.helmwarden.rbac.Grant;
import io.helmwarden.rbac.Identity;
import io.helmwarden.rbac.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Helm Warden knows about one Tiller, derived from a cluster snapshot.
 *
 * @param command         the Tiller container's command as written (empty: the image's entrypoint)
 * @param args            the Tiller container's args as written
 * @param workloadExcerpt the parts of the workload's pod template the facts come from, as YAML, with the
 *                        values of environment variables other than Tiller's own left out
 * @param foundBy         which rule made the workload a Tiller, in words
 */
public record Tiller(
        String cluster,
        String namespace,
        String workloadKind,
        String name,
        String image,
        List<String> command,
        List<String> args,
        Optional<HelmVersion> version,
        int desiredReplicas,
        int readyReplicas,
        String serviceAccount,
        boolean serviceAccountExplicit,
        boolean automountToken,
        Storage storage,
        Tls tls,
        Exposure exposure,
        int historyMax,
        Rbac rbac,
        Optional<String> team,
        Map<String, String> annotations,
        List<ReleaseRecord> records,
        String workloadExcerpt,
        String foundBy) {

    /** {@code prod-eu/kube-system/tiller-deploy}: unique in the fleet, used in URLs. */
    public String id() {
        return cluster + "/" + namespace + "/" + name;
    }

    /** "Deployment kube-system/tiller-deploy", for evidence. */
    public String workload() {
        return workloadKind + " " + namespace + "/" + name;
    }

    /**
     * Where Tiller keeps releases. A Tiller belongs to the team owning the namespace it runs in, but its records
     * live wherever {@code TILLER_NAMESPACE} says, which anyone who may edit the Tiller can point elsewhere: a
     * storage namespace its team does not own is {@code foreign}, and its records are neither counted, shown
     * nor written to on this Tiller's behalf.
     *
     * @param backend         configmap, secret, sql or memory
     * @param source          how it was decided, e.g. "--storage=secret in command" or "default"
     * @param namespace       the namespace Tiller reads and writes records in; empty when it cannot be resolved
     * @param namespaceSource how the namespace was decided, for evidence
     * @param foreign         whether that namespace lies outside the Tiller's own team (or is unknown)
     */
    public record Storage(String backend, String source, String namespace, String namespaceSource, boolean foreign,
            int configMapRecords, int secretRecords) {

        public boolean inConfigMaps() {
            return "configmap".equals(backend);
        }

        /** Records in the kind Tiller does not read: left behind by a storage switch. */
        public int staleRecords() {
            return switch (backend) {
                case "configmap" -> secretRecords;
                case "secret" -> configMapRecords;
                default -> 0;
            };
        }

        public String staleKind() {
            return "configmap".equals(backend) ? "Secrets" : "ConfigMaps";
        }
    }

    /**
     * TLS on the gRPC endpoint, by Tiller's rules (flags beat env; set-but-empty env is false).
     *
     * @param source      how it was decided, for evidence
     * @param certificate the certificate it serves (tls.crt)
     * @param clientCa    the CA it verifies clients against (the first certificate in ca.crt), when readable
     */
    public record Tls(boolean enabled, boolean verify, String source, Optional<Certificate> certificate,
            boolean caPresent, Optional<Certificate> clientCa, String secretName) {
    }

    /** @param sha256 the certificate's SHA-256 fingerprint (hex of its DER): what identifies a CA exactly */
    public record Certificate(String subject, String issuer, List<String> subjectAltNames, Instant notAfter,
            String sha256) {

        public static String sha256(byte[] der) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }

    /**
     * How the endpoint can be reached.
     *
     * @param ingressPolicies NetworkPolicies that restrict ingress to the Tiller pods
     */
    public record Exposure(String listen, boolean loopbackOnly, List<ExposingService> services, boolean hostNetwork,
            List<String> ingressPolicies) {
    }

    public record ExposingService(String name, String type, List<String> ports) {

        public boolean outsideCluster() {
            return "NodePort".equals(type) || "LoadBalancer".equals(type);
        }
    }

    /**
     * What Tiller's identity may do, and who may use or become it.
     *
     * @param grants             every rule its identity holds, with the binding that grants it
     * @param scope              where it may create workloads
     * @param clusterAdmin       grants that give it everything everywhere
     * @param escalations        permissions that let it gain more rights than it has
     * @param drivers            subjects that may reach its gRPC port (list pods + create pods/portforward)
     * @param identityThieves    subjects that may act as it (create pods, or read Secrets, in its namespace)
     * @param unexpectedDrivers  drivers other than its owners, admins and the control plane
     * @param unexpectedThieves  identity thieves other than its owners, admins and the control plane
     * @param outsiderGrants     the grants through which those unexpected subjects reach it, one per binding
     *                           and subject
     */
    public record Rbac(Identity identity, List<Grant> grants, Scope scope, List<Grant> clusterAdmin, List<Escalation> escalations,
            Set<Subject> drivers, Set<Subject> identityThieves, Set<Subject> unexpectedDrivers,
            Set<Subject> unexpectedThieves, List<Grant> outsiderGrants) {
    }

    public record Escalation(String permission, Grant grant) {
    }
}

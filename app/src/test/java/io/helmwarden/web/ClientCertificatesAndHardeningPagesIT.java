package io.helmwarden.web;

import static io.helmwarden.web.RouteAccessIT.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.support.TillerTlsHandshake;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

/**
 * On the demo fleet: client certificates are issued to the owning team's people (from a CSR without ever
 * seeing their key, or as a one-time bundle with the helm flags), recorded, and refused to auditors and for
 * bad requests; every guided remediation's plan renders.
 */
@SpringBootTest(properties = {
        "spring.datasource.url=jdbc:h2:mem:route-access;DB_CLOSE_DELAY=-1",
        "helmwarden.demo.idp.port=0"})
@ActiveProfiles("demo")
@AutoConfigureMockMvc
class ClientCertificatesAndHardeningPagesIT {

    static final String TILLER = "/tillers/prod-eu/payments-tiller/tiller-deploy";

    @Autowired
    MockMvc mvc;

    @Autowired
    FleetState fleet;

    @BeforeEach
    void demoFleetSynced() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.tiller("prod-eu/payments-tiller/tiller-deploy").isPresent());
    }

    @Autowired
    RemediationExecutor executor;

    @Autowired
    RemediationRuns runs;

    @Autowired
    ClusterRegistry clusters;

    @Autowired
    CertificateAuthorities certificates;

    /**
     * The demo's payments Tiller serves a certificate from its own CA: certificates from Helm Warden's CA would be
     * refused by it, so none is issued until Helm Warden takes over TLS; then every bundle chains to the very
     * ca.crt the Tiller verifies clients with, next to the certificate it serves.
     */
    @Test
    void aTeamMemberGetsACertificateForTheirCsrAndTheHelmFlags() throws Exception {
        String refusedPage = mvc.perform(get(TILLER + "/client-certificates").with(as(RouteAccessIT.Person.TEAM_LEAD))
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString();
        assertThat(refusedPage).contains("data-testid=\"foreign-ca\"", "CN=payments-tiller CA", "Take over TLS")
                .doesNotContain("data-testid=\"generate-bundle\"");
        var refused = mvc.perform(post(TILLER + "/client-certificates").param("generate", "true")
                .with(as(RouteAccessIT.Person.TEAM_LEAD)).with(csrf())).andReturn().getResponse();
        assertThat(refused.getStatus()).isEqualTo(409);
        assertThat(refused.getContentType()).startsWith("text/html");

        // Why: a bundle from Helm Warden's CA, had it been handed out, fails a real handshake with this Tiller.
        var wouldFail = certificates.issueClientBundle("prod-eu/payments-tiller/tiller-deploy", "probe");
        assertThat(TillerTlsHandshake.attempt(tillerSide(), new TillerTlsHandshake.HelmSide(
                certificates.caCertificatePem("prod-eu/payments-tiller/tiller-deploy"), wouldFail.certificatePem(),
                wouldFail.privateKeyPem()))).isPresent();
        // The take-over's preview names what stops working: every certificate of the Tiller's own CA.
        String takeOver = mvc.perform(get(TILLER + "/remediations/rotate-certificate")
                .with(as(RouteAccessIT.Person.PLATFORM_ADMIN)).accept(MediaType.TEXT_HTML)).andReturn().getResponse()
                .getContentAsString();
        assertThat(takeOver).contains("Every client certificate issued by CN=payments-tiller CA", "stops working",
                "Helm Warden did not issue them");

        var tiller = fleet.tiller("prod-eu/payments-tiller/tiller-deploy").orElseThrow().tiller();
        var plan = RemediationKind.ROTATE_CERTIFICATE.plan(new PlanInput(tiller, new PlanInput.Settings(200, false),
                java.util.List.of(), Map.of()));
        var run = executor.start(plan, tiller, new io.helmwarden.audit.AuditEvent.Actor("admin", null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(run.id()).orElseThrow().finished());
        assertThat(runs.find(run.id()).orElseThrow().state()).isEqualTo(io.helmwarden.remediation.RemediationRun.State.DONE);
        await().atMost(Duration.ofSeconds(20)).until(() -> fleet.tiller("prod-eu/payments-tiller/tiller-deploy")
                .orElseThrow().tiller().tls().certificate().map(c -> c.issuer().startsWith("CN=Helm Warden CA")).orElse(false));


        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var keys = generator.generateKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=anything"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));

        var response = mvc.perform(post(TILLER + "/client-certificates").param("csr", pem(csr))
                .with(as(RouteAccessIT.Person.TEAM_MEMBER)).with(csrf())).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("application/zip");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        Map<String, String> files = unzip(response.getContentAsByteArray());
        assertThat(files).containsOnlyKeys("client.crt", "ca.crt", "README.txt");
        assertThat(files.get("README.txt")).contains("--tls --tls-verify --tls-ca-cert ca.crt",
                "--tiller-namespace payments-tiller", "Your private key stayed on your machine");

        var bundle = mvc.perform(post(TILLER + "/client-certificates").param("generate", "true")
                .with(as(RouteAccessIT.Person.TEAM_LEAD)).with(csrf())).andReturn().getResponse();
        Map<String, String> generated = unzip(bundle.getContentAsByteArray());
        assertThat(generated).containsKeys("client.key", "client.crt", "ca.crt");

        // What the Tiller itself holds: the certificate it serves and the CA it verifies clients with.
        var secret = clusters.find("prod-eu").orElseThrow().client().secrets().inNamespace("payments-tiller")
                .withName(tiller.tls().secretName()).get();
        var tillerCa = certificate(new String(java.util.Base64.getDecoder().decode(secret.getData().get("ca.crt")),
                StandardCharsets.US_ASCII));
        var served = certificate(new String(java.util.Base64.getDecoder().decode(secret.getData().get("tls.crt")),
                StandardCharsets.US_ASCII));
        served.verify(tillerCa.getPublicKey());
        for (Map<String, String> zip : java.util.List.of(files, generated)) {
            certificate(zip.get("client.crt")).verify(tillerCa.getPublicKey());
            served.verify(certificate(zip.get("ca.crt")).getPublicKey());
        }
        // And real handshakes, set up exactly as the Tiller's Secret and each bundle: both are accepted.
        assertThat(TillerTlsHandshake.attempt(tillerSide(), new TillerTlsHandshake.HelmSide(files.get("ca.crt"),
                files.get("client.crt"), pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null))))).isEmpty();
        assertThat(TillerTlsHandshake.attempt(tillerSide(), new TillerTlsHandshake.HelmSide(generated.get("ca.crt"),
                generated.get("client.crt"), generated.get("client.key")))).isEmpty();
        // The Tiller really verifies clients: a certificate from any other CA is refused.
        var stranger = io.helmwarden.pki.CertificateAuthority.create("someone else's CA", java.time.Instant.now()
                .minusSeconds(60), java.time.Instant.now().plus(Duration.ofDays(1)));
        var strangers = stranger.issueClient("mallory", java.time.Instant.now().minusSeconds(60),
                java.time.Instant.now().plus(Duration.ofDays(1)));
        assertThat(TillerTlsHandshake.attempt(tillerSide(), new TillerTlsHandshake.HelmSide(generated.get("ca.crt"),
                strangers.certificatePem(), strangers.privateKeyPem()))).isPresent();

        String page = mvc.perform(get(TILLER + "/client-certificates").with(as(RouteAccessIT.Person.TEAM_MEMBER))
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("their own (CSR)", "generated, downloaded once").doesNotContain("PRIVATE KEY");
    }

    @Test
    void auditorsAndBadRequestsGetNoCertificate() throws Exception {
        assertThat(mvc.perform(post(TILLER + "/client-certificates").param("generate", "true")
                .with(as(RouteAccessIT.Person.AUDITOR)).with(csrf())).andReturn().getResponse().getStatus())
                .isEqualTo(403);
        var garbage = mvc.perform(post(TILLER + "/client-certificates").param("csr", "<script>alert(1)</script>")
                .with(as(RouteAccessIT.Person.TEAM_MEMBER)).with(csrf())).andReturn().getResponse();
        assertThat(garbage.getStatus()).isEqualTo(400);
        assertThat(garbage.getContentAsString()).contains("BEGIN CERTIFICATE REQUEST").doesNotContain("<script>alert");
    }

    /** A cluster-wide binding belongs to no team: only an admin ticks one, and only one the plan offered. */
    @Test
    void onlyAPlatformAdminChangesClusterWideBindingsAndOnlyThoseOffered() throws Exception {
        String route = TILLER + "/remediations/restrict-drivers";
        var lead = mvc.perform(post(route).param("confirm", "prod-eu/payments-tiller/tiller-deploy")
                .param("accepted", "true").param("option", "cluster-admin|Group|system:masters|")
                .with(as(RouteAccessIT.Person.TEAM_LEAD)).with(csrf())).andReturn().getResponse();
        assertThat(lead.getStatus()).isEqualTo(403);
        var forged = mvc.perform(post(route).param("confirm", "prod-eu/payments-tiller/tiller-deploy")
                .param("accepted", "true").param("option", "cluster-admin|Group|system:masters|")
                .with(as(RouteAccessIT.Person.PLATFORM_ADMIN)).with(csrf())).andReturn().getResponse();
        assertThat(forged.getStatus()).isEqualTo(400);
        assertThat(forged.getContentAsString()).contains("The plan changed since the preview",
                "not offered by this plan");
        assertThat(runs.forTiller("prod-eu/payments-tiller/tiller-deploy"))
                .noneMatch(run -> run.remediation().equals("restrict-drivers"));
    }

    @Test
    void everyGuidedRemediationShowsItsPlan() throws Exception {
        for (RemediationKind kind : RemediationKind.previewedKinds()) {
            for (String tiller : new String[] {TILLER, "/tillers/prod-eu/kube-system/tiller-deploy"}) {
                var response = mvc.perform(get(tiller + "/remediations/" + kind.id())
                        .with(as(RouteAccessIT.Person.PLATFORM_ADMIN)).accept(MediaType.TEXT_HTML))
                        .andReturn().getResponse();
                assertThat(response.getStatus()).as(tiller + " " + kind.id()).isEqualTo(200);
                assertThat(response.getContentAsString()).contains(kind.title().replace("'", "&#39;"));
            }
        }
        assertThat(mvc.perform(get(TILLER + "/remediations/format-the-disk").with(as(RouteAccessIT.Person.PLATFORM_ADMIN))
                .accept(MediaType.TEXT_HTML)).andReturn().getResponse().getStatus()).isEqualTo(404);
    }

    /** The payments Tiller's TLS Secret as it is in the cluster now. */
    private TillerTlsHandshake.TillerSide tillerSide() {
        var data = clusters.find("prod-eu").orElseThrow().client().secrets().inNamespace("payments-tiller")
                .withName(fleet.tiller("prod-eu/payments-tiller/tiller-deploy").orElseThrow().tiller().tls().secretName())
                .get().getData();
        java.util.function.Function<String, String> decoded = key -> new String(java.util.Base64.getDecoder()
                .decode(data.get(key)), StandardCharsets.US_ASCII);
        return new TillerTlsHandshake.TillerSide(decoded.apply("tls.crt"), decoded.apply("tls.key"), decoded.apply("ca.crt"));
    }

    private static java.security.cert.X509Certificate certificate(String pem) throws Exception {
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Map<String, String> unzip(byte[] zip) throws Exception {
        Map<String, String> files = new HashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                files.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static String pem(Object object) throws Exception {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}

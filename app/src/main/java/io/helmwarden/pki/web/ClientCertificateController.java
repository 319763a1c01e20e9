package io.helmwarden.pki.web;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.fleet.TillerLookup;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.pki.IssuedCertificate;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.web.Audits;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Client certificates for the people who use a Tiller (its team's members and leads, and admins): preferably
 * signed from their CSR, so their key never leaves their machine; or with a key generated here, handed out
 * once in the download and never stored. Each is recorded and audited; the download carries the helm flags.
 */
@Controller
class ClientCertificateController {

    private static final String ROUTE = "/tillers/{cluster}/{namespace}/{name}/client-certificates";
    /** A PEM CSR is about 1 KB; a generous bound keeps abuse out. */
    private static final int MAX_CSR = 16_384;

    private final TillerLookup tillers;
    private final CertificateAuthorities certificates;
    private final AuditLog audit;

    ClientCertificateController(TillerLookup tillers, CertificateAuthorities certificates, AuditLog audit) {
        this.tillers = tillers;
        this.certificates = certificates;
        this.audit = audit;
    }

    @GetMapping(ROUTE)
    String page(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            Authentication authentication, Model model) {
        Tiller tiller = tillers.find(cluster, namespace, name, authentication).tiller();
        addPage(tiller, Viewer.of(authentication), model);
        return "tiller/client-certificates";
    }

    @PostMapping(ROUTE)
    Object issue(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @RequestParam(defaultValue = "") String csr, @RequestParam(defaultValue = "false") boolean generate,
            Authentication authentication, Model model, HttpServletResponse response) {
        Tiller tiller = tillers.find(cluster, namespace, name, authentication).tiller();
        Viewer viewer = Viewer.of(authentication);
        if (!mayUse(viewer, tiller)) {
            throw new AccessDeniedException("may not use " + tiller.id());
        }
        String error;
        var foreignCa = foreignCa(tiller);
        if (!certificates.configured()) {
            error = new CertificateAuthorities.NotConfigured().getMessage();
        } else if (foreignCa.isPresent()) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            addPage(tiller, viewer, model);
            model.addAttribute("error", foreignCa.get());
            return "tiller/client-certificates";
        } else if (!generate && csr.isBlank()) {
            error = "Paste a certificate signing request, or choose a generated key.";
        } else if (csr.length() > MAX_CSR) {
            error = "The request is larger than a certificate signing request can be.";
        } else {
            String person = Audits.actor(authentication).subject();
            try {
                IssuedCertificate issued = generate ? certificates.issueClientBundle(tiller.id(), person)
                        : certificates.signClient(tiller.id(), csr, person);
                audit.append(AuditEvent.by(Audits.actor(authentication), AuditAction.CERTIFICATE_ISSUED, AuditEntry.Outcome.SUCCESS)
                        .target(tiller.team().orElse(null), tiller.cluster(), tiller.namespace(), "Tiller " + tiller.name())
                        .details("client certificate serial " + issued.serial() + " until "
                                + issued.certificate().getNotAfter().toInstant()
                                + (generate ? ", key generated for a one-time download" : ", from the person's CSR")));
                return download(tiller, issued, certificates.caCertificatePem(tiller.id()));
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        addPage(tiller, viewer, model);
        model.addAttribute("error", error);
        return "tiller/client-certificates";
    }

    private ResponseEntity<byte[]> download(Tiller tiller, IssuedCertificate issued, String caPem) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("client.crt", issued.certificatePem());
        if (issued.privateKeyPem() != null) {
            files.put("client.key", issued.privateKeyPem());
        }
        files.put("ca.crt", caPem);
        files.put("README.txt", helmCommands(tiller, issued.privateKeyPem() != null));
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(tiller.cluster() + "-" + tiller.namespace() + "-" + tiller.name() + "-client-certificate.zip")
                        .build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(bytes.toByteArray());
    }

    static String helmCommands(Tiller tiller, boolean keyIncluded) {
        return """
                Client certificate for Tiller %1$s (cluster %2$s), issued by Helm Warden.
                %3$s
                Use it with every helm command, for example:

                  helm ls --tls --tls-verify --tls-ca-cert ca.crt --tls-cert client.crt --tls-key %4$s \\
                    --tiller-namespace %1$s

                or put the three files in $(helm home) as ca.pem, cert.pem and key.pem and pass
                --tls --tls-verify --tiller-namespace %1$s.
                """.formatted(tiller.namespace(), tiller.cluster(),
                keyIncluded ? "client.key is the only copy of your private key: keep it safe; Helm Warden did not keep it.\n"
                        : "Your private key stayed on your machine: use the key you made the request with.\n",
                keyIncluded ? "client.key" : "<your key>");
    }

    private void addPage(Tiller tiller, Viewer viewer, Model model) {
        model.addAttribute("tiller", tiller);
        model.addAttribute("mayUse", mayUse(viewer, tiller));
        model.addAttribute("configured", certificates.configured());
        model.addAttribute("issued", certificates.configured() ? certificates.issued(tiller.id()) : java.util.List.of());
        model.addAttribute("commands", helmCommands(tiller, true));
        model.addAttribute("foreignCa", foreignCa(tiller).orElse(null));
    }

    /**
     * Why a client certificate from Helm Warden's CA would not work with this Tiller, if it would not. Tiller
     * verifies clients against the CA in its Secret's ca.crt, and helm's --tls-verify checks the served
     * certificate against the bundled ca.crt: both must be Helm Warden's CA for this Tiller, compared by
     * fingerprint and issuer (a subject alone can be copied).
     */
    private java.util.Optional<String> foreignCa(Tiller tiller) {
        if (!tiller.tls().enabled() || !certificates.configured()) {
            return java.util.Optional.empty();
        }
        var tls = tiller.tls();
        var served = tls.certificate();
        if (served.isEmpty()) {
            return java.util.Optional.of("Helm Warden cannot read the certificate this Tiller serves (Secret "
                    + tls.secretName() + "), so it cannot tell whether a certificate from its CA would be"
                    + " accepted: it issues none. Take over TLS with \"Issue a new server certificate\" first.");
        }
        var ours = certificates.heldCa(tiller.id());
        if (ours.isEmpty() || !ours.get().subject().equals(served.get().issuer())) {
            return java.util.Optional.of("This Tiller serves a certificate issued by " + served.get().issuer()
                    + ", a CA Helm Warden does not hold: helm would refuse the Tiller with the ca.crt handed out here,"
                    + " and Tiller would refuse any client certificate issued here. Take over TLS with \"Issue a new"
                    + " server certificate\" (every client certificate of the old CA then stops working), then come back.");
        }
        if (tls.verify() && (tls.clientCa().isEmpty() || !tls.clientCa().get().sha256().equals(ours.get().sha256()))) {
            return java.util.Optional.of("This Tiller verifies clients against " + tls.clientCa()
                    .map(ca -> "the CA " + ca.subject() + " (fingerprint " + ca.sha256().substring(0, 16) + "…)")
                    .orElse("no readable CA") + " in Secret " + tls.secretName() + "'s ca.crt, not Helm Warden's CA"
                    + " for it: Tiller would refuse any client certificate issued here. Take over TLS with \"Issue a new"
                    + " server certificate\", which writes Helm Warden's CA as ca.crt, then come back.");
        }
        return java.util.Optional.empty();
    }

    /** People of the owning team and admins use a Tiller; auditors only look. */
    private static boolean mayUse(Viewer viewer, Tiller tiller) {
        return viewer.roles().contains(Role.PLATFORM_ADMIN) || tiller.team().map(viewer.teams()::contains).orElse(false)
                && (viewer.roles().contains(Role.TEAM_MEMBER) || viewer.roles().contains(Role.TEAM_LEAD));
    }
}

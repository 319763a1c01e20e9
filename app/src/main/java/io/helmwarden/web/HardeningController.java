package io.helmwarden.web;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.remediation.HardeningPlan;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * Remediations of a Tiller's endpoint and rights (TLS, exposure, history, scope): the plan as a diff, what
 * must be explicitly accepted (releases falling outside a new scope), a confirmation by typing the Tiller's
 * name, then the run. Who may run them is {@link RemediationPermission}'s rule.
 */
@Controller
class HardeningController {

    private static final String ROUTE = "/tillers/{cluster}/{namespace}/{name}/remediations/{remediation}";

    private final FleetState fleet;
    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final ObjectAccess access;
    private final RemediationPermission permission;
    private final Teams teams;
    private final HardeningPlan.Settings settings;
    private final CertificateAuthorities certificates;

    HardeningController(FleetState fleet, RemediationExecutor executor, RemediationRuns runs, ObjectAccess access,
            RemediationPermission permission, Teams teams, CertificateAuthorities certificates,
            @Value("${helmwarden.remediation.history-max:200}") int historyMax,
            @Value("${helmwarden.remediation.keep-tiller-service:false}") boolean keepService) {
        this.fleet = fleet;
        this.executor = executor;
        this.runs = runs;
        this.access = access;
        this.permission = permission;
        this.teams = teams;
        this.settings = new HardeningPlan.Settings(historyMax, keepService, certificates.configured());
        this.certificates = certificates;
    }

    @GetMapping(ROUTE)
    String preview(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @PathVariable String remediation, Authentication authentication, Model model) {
        Tiller tiller = access.tiller(cluster, namespace, name, authentication).tiller();
        addPreview(plan(remediation, tiller), tiller, Viewer.of(authentication), model);
        return "remediation/hardening";
    }

    @PostMapping(ROUTE)
    String start(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @PathVariable String remediation, @RequestParam(defaultValue = "") String confirm,
            @RequestParam(defaultValue = "false") boolean accepted,
            @RequestParam(name = "option", defaultValue = "") List<String> chosen, Authentication authentication,
            Model model, HttpServletResponse response) {
        Tiller tiller = access.tiller(cluster, namespace, name, authentication).tiller();
        Viewer viewer = Viewer.of(authentication);
        if (!permission.mayRun(viewer, tiller)) {
            throw new AccessDeniedException("may not remediate " + tiller.id());
        }
        HardeningPlan plan = plan(remediation, tiller);
        chosen = chosen.stream().filter(id -> !id.isBlank()).toList();
        if (!chosen.isEmpty() && !viewer.roles().contains(Role.PLATFORM_ADMIN)) {
            // A cluster-wide binding belongs to no team: only a platform admin changes it.
            throw new AccessDeniedException("only a platform admin changes cluster-wide bindings");
        }
        try {
            plan = plan.choosing(chosen);
        } catch (IllegalArgumentException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addPreview(plan, tiller, viewer, model);
            model.addAttribute("error", "The plan changed since the preview: " + e.getMessage() + ". Review it again.");
            return "remediation/hardening";
        }
        // cluster/namespace/name: the same namespace and name exist on every cluster.
        String expected = tiller.id();
        String error;
        if (!expected.equals(confirm.strip())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            error = "Type " + expected + " to confirm.";
        } else if (!plan.toAccept().isEmpty() && !accepted) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            error = "Tick the box to accept the consequences listed above.";
        } else {
            try {
                RemediationRun run = executor.startHardening(plan, tiller, Audits.actor(authentication));
                return "redirect:/remediation-runs/" + run.id();
            } catch (RemediationRuns.AlreadyRunning | IllegalStateException e) {
                response.setStatus(HttpServletResponse.SC_CONFLICT);
                error = e.getMessage();
            }
        }
        addPreview(plan, tiller, viewer, model);
        model.addAttribute("error", error);
        return "remediation/hardening";
    }

    private HardeningPlan plan(String remediation, Tiller tiller) {
        HardeningPlan.Kind kind = HardeningPlan.Kind.of(remediation)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        List<String> teamNamespaces = tiller.team().flatMap(teams::find)
                .map(team -> team.namespaces().getOrDefault(tiller.cluster(), List.of())).orElse(List.of());
        HardeningPlan plan = HardeningPlan.of(kind, tiller, settings, teamNamespaces,
                kind == HardeningPlan.Kind.RESTRICT_SCOPE ? releaseNamespaces(tiller) : Map.of());
        return kind == HardeningPlan.Kind.ROTATE_CERTIFICATE || kind == HardeningPlan.Kind.ENABLE_TLS_VERIFY
                ? plan.accepting(clientCertificateImpact(tiller)) : plan;
    }

    /**
     * Which client certificates stop working once ca.crt is Helm Warden's CA for the Tiller: every one the CA
     * in ca.crt now issued, when that is another CA. Helm Warden holds no list of another CA's certificates, so
     * it names the CA; those it issued itself are listed by serial and person, and keep (or start) working.
     */
    private List<String> clientCertificateImpact(Tiller tiller) {
        if (!certificates.configured()) {
            return List.of();
        }
        var held = certificates.heldCa(tiller.id());
        var current = tiller.tls().clientCa();
        List<String> impact = new java.util.ArrayList<>();
        if (current.isPresent() && held.map(ca -> !ca.sha256().equals(current.get().sha256())).orElse(true)) {
            impact.add("Every client certificate issued by " + current.get().subject() + " (the CA in Secret "
                    + tiller.tls().secretName() + "'s ca.crt now, fingerprint " + current.get().sha256().substring(0, 16)
                    + "…) stops working. Helm Warden did not issue them and holds no list of them: tell the people"
                    + " who use this Tiller to get one here.");
        } else if (current.isEmpty() && tiller.tls().caPresent()) {
            impact.add("Every client certificate accepted today stops working: the ca.crt in Secret "
                    + tiller.tls().secretName() + " cannot be read, so Helm Warden cannot say which CA issued them.");
        }
        java.time.Instant now = java.time.Instant.now();
        var ours = certificates.issued(tiller.id()).stream().filter(issued -> "client".equals(issued.kind()))
                .filter(issued -> issued.notAfter().isAfter(now)).toList();
        boolean oursWorkToday = current.isPresent() && held.map(ca -> ca.sha256().equals(current.get().sha256()))
                .orElse(false);
        ours.forEach(issued -> impact.add("Client certificate " + issued.serial() + " of " + issued.issuedTo()
                + " (until " + issued.notAfter() + ", from Helm Warden's CA) " + (oursWorkToday ? "keeps working."
                : "is accepted from then on (this Tiller refuses it today).")));
        return impact;
    }

    /** Each release's target namespace, from its newest revision (decoded now if the inventory has not yet). */
    private Map<String, String> releaseNamespaces(Tiller tiller) {
        return tiller.records().stream()
                .collect(Collectors.groupingBy(ReleaseRecord::release,
                        Collectors.maxBy(Comparator.comparingInt(ReleaseRecord::revision))))
                .values().stream().flatMap(java.util.Optional::stream)
                .map(record -> Map.entry(record.release(), record.summary().orElseGet(() ->
                        fleet.summary(tiller.cluster(), tiller.storage().namespace(), record))))
                .filter(entry -> entry.getValue().unreadable().isEmpty())
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().targetNamespace(), (a, b) -> a,
                        TreeMap::new));
    }

    private void addPreview(HardeningPlan plan, Tiller tiller, Viewer viewer, Model model) {
        model.addAttribute("tiller", tiller);
        model.addAttribute("plan", plan);
        model.addAttribute("mayRun", permission.mayRun(viewer, tiller));
        model.addAttribute("mayChoose", viewer.roles().contains(Role.PLATFORM_ADMIN));
        model.addAttribute("runs", runs.forTiller(tiller.id()).stream()
                .filter(run -> run.remediation().equals(plan.kind().id())).toList());
    }
}

package io.helmwarden.remediation.web;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.fleet.TillerLookup;
import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.remediation.Helm3Survey;
import io.helmwarden.remediation.Helm3Conversions;
import io.helmwarden.remediation.PersonRights;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationPlan;
import io.helmwarden.remediation.RemediationProperties;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.web.Audits;
import io.helmwarden.web.TypedConfirmation;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
 * Every remediation previewed on a Tiller's page ({@link RemediationKind#previewedKinds()}): the plan as a diff
 * (a dry run, for anyone who may see the Tiller), what must be explicitly accepted, the changes offered one by
 * one, a confirmation by typing the Tiller's name, then the run. Who may run it is {@link RemediationPermission}'s
 * rule; a refused start is answered by {@link RemediationRefusals}.
 */
@Controller
class TillerRemediationController {

    private static final String ROUTE = "/tillers/{cluster}/{namespace}/{name}/remediations/{remediation}";
    private static final String VIEW = "remediation/plan";

    private final FleetState fleet;
    private final TillerLookup tillers;
    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final RemediationPermission permission;
    private final Teams teams;
    private final PlanInput.Settings settings;
    private final CertificateAuthorities certificates;
    private final Clock clock;
    private final PersonRights personRights;
    private final Helm3Conversions surveys;

    TillerRemediationController(FleetState fleet, TillerLookup tillers, RemediationExecutor executor,
            RemediationRuns runs, RemediationPermission permission, Teams teams, CertificateAuthorities certificates,
            RemediationProperties properties, Clock clock, PersonRights personRights, Helm3Conversions surveys) {
        this.surveys = surveys;
        this.personRights = personRights;
        this.clock = clock;
        this.fleet = fleet;
        this.tillers = tillers;
        this.executor = executor;
        this.runs = runs;
        this.permission = permission;
        this.teams = teams;
        this.certificates = certificates;
        this.settings = new PlanInput.Settings(properties.historyMax(), properties.keepTillerService(),
                certificates.configured());
    }

    @GetMapping(ROUTE)
    String preview(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @PathVariable String remediation, ConversionChoice choice, Authentication authentication, Model model) {
        Tiller tiller = tillers.find(cluster, namespace, name, authentication).tiller();
        RemediationPlan plan = plan(remediation, tiller, choice, model);
        addPreview(plan, tiller, Viewer.of(authentication), model);
        // Only whom the page is for: a right is checked for the person looking (where the cluster acts as persons).
        model.addAttribute("rightsCheck", personRights.check(plan, tiller, Audits.actor(authentication)).orElse(null));
        return VIEW;
    }

    @PostMapping(ROUTE)
    String start(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @PathVariable String remediation, TypedConfirmation confirmation, ConversionChoice choice,
            @RequestParam(defaultValue = "false") boolean accepted,
            @RequestParam(name = "option", defaultValue = "") List<String> chosen, Authentication authentication,
            Model model, HttpServletResponse response) {
        Tiller tiller = tillers.find(cluster, namespace, name, authentication).tiller();
        Viewer viewer = Viewer.of(authentication);
        RemediationPlan plan = plan(remediation, tiller, choice, model);
        if (!permission.mayRun(viewer, tiller)) {
            throw new AccessDeniedException("may not remediate " + tiller.id());
        }
        chosen = chosen.stream().filter(id -> !id.isBlank()).toList();
        if (!chosen.isEmpty() && !permission.mayChooseClusterWide(viewer)) {
            // A cluster-wide binding belongs to no team: only a platform admin changes it.
            throw new AccessDeniedException("only a platform admin changes cluster-wide bindings");
        }
        String error;
        try {
            plan = plan.choosing(chosen);
            if (!confirmation.confirms(tiller.id())) {
                error = TypedConfirmation.ask(tiller.id(), "");
            } else if (!plan.toAccept().isEmpty() && !accepted) {
                error = "Tick the box to accept the consequences listed above.";
            } else {
                // Where the cluster acts as the person, a step the API server would deny them does not start.
                var person = Audits.actor(authentication);
                Optional<String> denied = personRights.check(plan, tiller, person).flatMap(PersonRights.Check::refusal);
                if (denied.isPresent()) {
                    throw new PlanRefused(denied.get());
                }
                // A refusal or a run already holding the Tiller is answered by RemediationRefusals (409).
                RemediationRun run = executor.start(plan, tiller, person);
                return "redirect:/remediation-runs/" + run.id();
            }
        } catch (RemediationPlan.PlanChanged e) {
            error = "The plan changed since the preview: " + e.getMessage() + ". Review it again.";
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        addPreview(plan, tiller, viewer, model);
        model.addAttribute("rightsCheck", personRights.check(plan, tiller, Audits.actor(authentication)).orElse(null));
        model.addAttribute("error", error);
        return VIEW;
    }

    /**
     * Which releases a conversion to Helm 3 covers: one (as its records' NAME label says it) or all, and how many of
     * the newest revisions of each; ignored by the other remediations.
     */
    record ConversionChoice(String release, Integer revisions) {

        private static final java.util.regex.Pattern LABEL_VALUE =
                java.util.regex.Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");

        Optional<String> oneRelease() {
            if (release == null || release.isBlank()) {
                return Optional.empty();
            }
            if (!LABEL_VALUE.matcher(release).matches()) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "not a release name");
            }
            return Optional.of(release);
        }

        int newest() {
            if (revisions != null && (revisions < 0 || revisions > 100_000)) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "revisions is a count from 0 (all)");
            }
            return revisions == null ? 0 : revisions;
        }
    }

    private RemediationPlan plan(String remediation, Tiller tiller, ConversionChoice choice, Model model) {
        RemediationKind kind = RemediationKind.of(remediation).filter(RemediationKind::previewed)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        List<String> teamNamespaces = tiller.team().flatMap(teams::find)
                .map(team -> team.namespaces().getOrDefault(tiller.cluster(), List.of())).orElse(List.of());
        Optional<Helm3Survey.Preview> conversion = kind == RemediationKind.CONVERT_TO_HELM3
                ? Optional.of(surveys.survey(tiller, choice.oneRelease(), choice.newest())) : Optional.empty();
        conversion.ifPresent(preview -> model.addAttribute("conversion", preview));
        RemediationPlan plan = kind.plan(new PlanInput(tiller, settings, teamNamespaces,
                kind == RemediationKind.RESTRICT_SCOPE ? releaseNamespaces(tiller) : Map.of(), conversion));
        return kind == RemediationKind.ROTATE_CERTIFICATE || kind == RemediationKind.ENABLE_TLS_VERIFY
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
        List<String> impact = new ArrayList<>();
        if (current.isPresent() && held.map(ca -> !ca.sha256().equals(current.get().sha256())).orElse(true)) {
            impact.add("Every client certificate issued by " + current.get().subject() + " (the CA in Secret "
                    + tiller.tls().secretName() + "'s ca.crt now, fingerprint " + current.get().sha256().substring(0, 16)
                    + "…) stops working. Helm Warden did not issue them and holds no list of them: tell the people"
                    + " who use this Tiller to get one here.");
        } else if (current.isEmpty() && tiller.tls().caPresent()) {
            impact.add("Every client certificate accepted today stops working: the ca.crt in Secret "
                    + tiller.tls().secretName() + " cannot be read, so Helm Warden cannot say which CA issued them.");
        }
        Instant now = clock.instant();
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
                .values().stream().flatMap(Optional::stream)
                .map(record -> Map.entry(record.release(), record.summary().orElseGet(() ->
                        fleet.summary(tiller.cluster(), tiller.storage().namespace(), record))))
                .filter(entry -> entry.getValue().unreadable().isEmpty())
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().targetNamespace(), (a, b) -> a,
                        TreeMap::new));
    }

    private void addPreview(RemediationPlan plan, Tiller tiller, Viewer viewer, Model model) {
        model.addAttribute("tiller", tiller);
        model.addAttribute("plan", plan);
        model.addAttribute("mayRun", permission.mayRun(viewer, tiller));
        model.addAttribute("mayChoose", permission.mayChooseClusterWide(viewer));
        model.addAttribute("runs", runs.forTiller(tiller.id()).stream()
                .filter(run -> run.remediation().equals(plan.kind().id())).toList());
    }
}

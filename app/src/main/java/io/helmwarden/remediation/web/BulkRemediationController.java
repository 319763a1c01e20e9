package io.helmwarden.remediation.web;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.remediation.Helm3Conversions;
import io.helmwarden.remediation.PersonRights;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationPlan;
import io.helmwarden.remediation.RemediationProperties;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.remediation.RunParameters;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.web.Audits;
import io.helmwarden.web.ObjectAccess;
import io.helmwarden.web.TypedConfirmation;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "Migrate all Tillers of this cluster / team" and "Convert everything to Helm 3": one preview of every Tiller the
 * remediation concerns there, one confirmation (typing the cluster's or team's id), then one ordinary run per
 * Tiller, each with its own lock and audit trail, executed one after another. Tillers the viewer may not remediate,
 * or whose plan refuses, are listed with the reason and left alone.
 */
@Controller
class BulkRemediationController {

    private static final String BULK = "/remediations/{remediation}";

    /**
     * What a bulk run of one kind is, in words, and which Tillers it concerns.
     *
     * @param concerns which Tillers of the scope the remediation applies to at all
     */
    record Bulk(RemediationKind kind, String title, String lead, String none, String action, String button,
            Predicate<Tiller> concerns) {
    }

    static final List<Bulk> BULKS = List.of(
            new Bulk(RemediationKind.MIGRATE_STORAGE, "Move release records to Secrets for every Tiller of ",
                    "Each Tiller below gets its own run (the same steps as a single migration: preflight, quiesce, copy,"
                            + " verify, switch, resume, retire), executed one after another. Nothing has changed yet.",
                    "No Tiller here keeps its records in ConfigMaps.", "will be migrated", "Migrate all",
                    tiller -> tiller.storage().inConfigMaps()),
            new Bulk(RemediationKind.CONVERT_TO_HELM3, "Convert everything to Helm 3 for every Tiller of ",
                    "Each Tiller below gets its own conversion (the same steps as converting one Tiller's releases:"
                            + " preflight, quiesce, convert, verify, hand-over, resume), executed one after another;"
                            + " each can be undone from its run's page until Helm 3 acts. Nothing has changed yet.",
                    "No Tiller here lists a Helm 2 release.", "will be converted", "Convert everything",
                    tiller -> !tiller.records().isEmpty()));

    /**
     * One Tiller of the scope, and whether the bulk run will remediate it.
     *
     * @param what what the run will change on it, in words
     */
    record Candidate(Tiller tiller, String what, Optional<String> skipReason) {
    }

    /** The cluster or team the bulk migration covers. */
    record Scope(String kind, String id, String label, Predicate<Tiller> includes) {
    }

    private final FleetState fleet;
    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final ObjectAccess access;
    private final RemediationPermission permission;
    private final PlanInput.Settings settings;
    private final PersonRights personRights;
    private final Helm3Conversions conversions;
    private final Teams teams;

    BulkRemediationController(FleetState fleet, RemediationExecutor executor, RemediationRuns runs, ObjectAccess access,
            RemediationPermission permission, RemediationProperties properties, PersonRights personRights,
            Helm3Conversions conversions, Teams teams) {
        this.conversions = conversions;
        this.teams = teams;
        this.personRights = personRights;
        this.settings = new PlanInput.Settings(properties.historyMax(), properties.keepTillerService());
        this.fleet = fleet;
        this.executor = executor;
        this.runs = runs;
        this.access = access;
        this.permission = permission;
    }

    @GetMapping(BULK)
    String preview(@PathVariable String remediation, @RequestParam(required = false) String cluster,
            @RequestParam(required = false) String team, Authentication authentication, Model model) {
        Bulk bulk = bulk(remediation);
        Scope scope = scope(cluster, team, authentication);
        addPreview(bulk, scope, candidates(bulk, scope, authentication), model);
        return "remediation/bulk";
    }

    @PostMapping(BULK)
    String start(@PathVariable String remediation, @RequestParam(required = false) String cluster,
            @RequestParam(required = false) String team, TypedConfirmation confirmation, Authentication authentication,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Bulk bulk = bulk(remediation);
        Scope scope = scope(cluster, team, authentication);
        List<Candidate> candidates = candidates(bulk, scope, authentication);
        if (!confirmation.confirms(scope.id())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addPreview(bulk, scope, candidates, model);
            model.addAttribute("error", TypedConfirmation.ask(scope.id(), ""));
            return "remediation/bulk";
        }
        List<String> started = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Candidate candidate : candidates) {
            Tiller tiller = candidate.tiller();
            if (candidate.skipReason().isPresent()) {
                skipped.add(tiller.id() + ": " + candidate.skipReason().get());
                continue;
            }
            try {
                started.add(executor.start(plan(bulk, tiller), tiller, Audits.actor(authentication)).id());
            } catch (PlanRefused e) {
                // Refused since the preview (another run took the Tiller): the others still start.
                skipped.add(tiller.id() + ": " + e.getMessage());
            }
        }
        if (started.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            // Asked again: the runs just refused may have changed why.
            addPreview(bulk, scope, candidates(bulk, scope, authentication), model);
            model.addAttribute("error", "No Tiller of " + scope.label() + " could be remediated.");
            return "remediation/bulk";
        }
        redirect.addFlashAttribute("notice", started.size() + " runs of \"" + bulk.kind().title() + "\" started for "
                + scope.label() + "; they run one after another.");
        redirect.addFlashAttribute("skipped", skipped);
        return "redirect:/remediations?ids=" + String.join(",", started);
    }

    private void addPreview(Bulk bulk, Scope scope, List<Candidate> candidates, Model model) {
        model.addAttribute("bulk", bulk);
        model.addAttribute("scope", scope);
        model.addAttribute("candidates", candidates);
        model.addAttribute("ready", candidates.stream().filter(c -> c.skipReason().isEmpty()).count());
    }

    private static Bulk bulk(String remediation) {
        return BULKS.stream().filter(bulk -> bulk.kind().id().equals(remediation)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    /** Every Tiller of the scope the viewer may see that the remediation concerns. */
    private List<Candidate> candidates(Bulk bulk, Scope scope, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return fleet.visibleTo(viewer).tillers().stream()
                .map(state -> state.tiller())
                .filter(scope.includes())
                .filter(bulk.concerns())
                .sorted(Comparator.comparing(Tiller::id))
                .map(tiller -> candidate(bulk, tiller, viewer, authentication))
                .toList();
    }

    private Candidate candidate(Bulk bulk, Tiller tiller, Viewer viewer, Authentication authentication) {
        if (!permission.mayRun(viewer, tiller)) {
            return new Candidate(tiller, "—", Optional.of("your role may not remediate this Tiller"));
        }
        RemediationPlan plan;
        try {
            plan = plan(bulk, tiller);
        } catch (PlanRefused e) {
            return new Candidate(tiller, "—", Optional.of(e.getMessage()));
        }
        String what = bulk.kind() == RemediationKind.MIGRATE_STORAGE
                ? tiller.storage().configMapRecords() + " records to Secrets (--storage=secret)"
                : releases(plan.parameters().list(RunParameters.Key.RELEASES).size()) + " into "
                        + String.join(", ", plan.parameters().list(RunParameters.Key.NAMESPACES));
        return new Candidate(tiller, what, skipReason(plan, tiller, authentication));
    }

    private static String releases(int count) {
        return count + (count == 1 ? " release" : " releases");
    }

    private Optional<String> skipReason(RemediationPlan plan, Tiller tiller, Authentication authentication) {
        Optional<String> refusal = plan.refusal()
                .or(() -> personRights.check(plan, tiller, Audits.actor(authentication)).flatMap(PersonRights.Check::refusal));
        if (refusal.isPresent()) {
            return refusal;
        }
        if (runs.forTiller(tiller.id()).stream().anyMatch(run -> !run.finished())) {
            return Optional.of("another remediation is running for it");
        }
        return Optional.empty();
    }

    /** The same plan as the Tiller's own page computes (a conversion surveys the Tiller's records for it). */
    private RemediationPlan plan(Bulk bulk, Tiller tiller) {
        if (bulk.kind() == RemediationKind.MIGRATE_STORAGE) {
            return RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, settings));
        }
        List<String> teamNamespaces = tiller.team().flatMap(teams::find)
                .map(team -> team.namespaces().getOrDefault(tiller.cluster(), List.of())).orElse(List.of());
        return bulk.kind().plan(new PlanInput(tiller, settings, teamNamespaces, java.util.Map.of(),
                Optional.of(conversions.survey(tiller, Optional.empty(), 0))));
    }

    /** Exactly one of cluster and team; one the viewer may not see answers 404 like a missing one. */
    private Scope scope(String cluster, String team, Authentication authentication) {
        if ((cluster == null) == (team == null)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "name either a cluster or a team");
        }
        if (cluster != null) {
            var found = access.cluster(cluster, authentication);
            return new Scope("cluster", found.id(), "cluster " + found.displayName(),
                    tiller -> tiller.cluster().equals(found.id()));
        }
        var found = access.team(team, authentication);
        return new Scope("team", found.id(), "team " + found.displayName(),
                tiller -> tiller.team().equals(Optional.of(found.id())));
    }
}

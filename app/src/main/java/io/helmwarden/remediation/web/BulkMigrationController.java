package io.helmwarden.remediation.web;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.remediation.PersonRights;
import io.helmwarden.remediation.PlanInput;
import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationPlan;
import io.helmwarden.remediation.RemediationProperties;
import io.helmwarden.remediation.RemediationRuns;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "Migrate all Tillers of this cluster / team": one preview of every Tiller still on ConfigMaps there, one
 * confirmation (typing the cluster's or team's id), then one ordinary run per Tiller, each with its own lock
 * and audit trail, executed one after another. Tillers the viewer may not remediate, or whose plan refuses,
 * are listed with the reason and left alone.
 */
@Controller
class BulkMigrationController {

    private static final String BULK = "/remediations/migrate-storage-to-secrets";

    /** One Tiller of the scope, and whether the bulk run will migrate it. */
    record Candidate(Tiller tiller, Optional<String> skipReason) {
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

    BulkMigrationController(FleetState fleet, RemediationExecutor executor, RemediationRuns runs, ObjectAccess access,
            RemediationPermission permission, RemediationProperties properties, PersonRights personRights) {
        this.personRights = personRights;
        this.settings = new PlanInput.Settings(properties.historyMax(), properties.keepTillerService());
        this.fleet = fleet;
        this.executor = executor;
        this.runs = runs;
        this.access = access;
        this.permission = permission;
    }

    @GetMapping(BULK)
    String preview(@RequestParam(required = false) String cluster, @RequestParam(required = false) String team,
            Authentication authentication, Model model) {
        Scope scope = scope(cluster, team, authentication);
        addPreview(scope, candidates(scope, authentication), model);
        return "remediation/bulk";
    }

    @PostMapping(BULK)
    String start(@RequestParam(required = false) String cluster, @RequestParam(required = false) String team,
            TypedConfirmation confirmation, Authentication authentication, Model model,
            HttpServletResponse response, RedirectAttributes redirect) {
        Scope scope = scope(cluster, team, authentication);
        List<Candidate> candidates = candidates(scope, authentication);
        if (!confirmation.confirms(scope.id())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addPreview(scope, candidates, model);
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
                started.add(executor.start(plan(tiller), tiller, Audits.actor(authentication)).id());
            } catch (PlanRefused e) {
                // Refused since the preview (another run took the Tiller): the others still start.
                skipped.add(tiller.id() + ": " + e.getMessage());
            }
        }
        if (started.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            // Asked again: the runs just refused may have changed why.
            addPreview(scope, candidates(scope, authentication), model);
            model.addAttribute("error", "No Tiller of " + scope.label() + " could be migrated.");
            return "remediation/bulk";
        }
        redirect.addFlashAttribute("notice", started.size() + " migrations started for " + scope.label()
                + "; they run one after another.");
        redirect.addFlashAttribute("skipped", skipped);
        return "redirect:/remediations?ids=" + String.join(",", started);
    }

    private void addPreview(Scope scope, List<Candidate> candidates, Model model) {
        model.addAttribute("scope", scope);
        model.addAttribute("candidates", candidates);
        model.addAttribute("ready", candidates.stream().filter(c -> c.skipReason().isEmpty()).count());
        model.addAttribute("records", candidates.stream().filter(c -> c.skipReason().isEmpty())
                .mapToInt(c -> c.tiller().storage().configMapRecords()).sum());
    }

    /** Every Tiller of the scope the viewer may see that still keeps records in ConfigMaps. */
    private List<Candidate> candidates(Scope scope, Authentication authentication) {
        Viewer viewer = Viewer.of(authentication);
        return fleet.visibleTo(viewer).tillers().stream()
                .map(state -> state.tiller())
                .filter(scope.includes())
                .filter(tiller -> tiller.storage().inConfigMaps())
                .sorted(Comparator.comparing(Tiller::id))
                .map(tiller -> new Candidate(tiller, skipReason(tiller, viewer, authentication)))
                .toList();
    }

    private Optional<String> skipReason(Tiller tiller, Viewer viewer, Authentication authentication) {
        if (!permission.mayRun(viewer, tiller)) {
            return Optional.of("your role may not remediate this Tiller");
        }
        RemediationPlan plan = plan(tiller);
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

    private RemediationPlan plan(Tiller tiller) {
        return RemediationKind.MIGRATE_STORAGE.plan(new PlanInput(tiller, settings));
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

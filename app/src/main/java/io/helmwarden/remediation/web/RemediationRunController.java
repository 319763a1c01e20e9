package io.helmwarden.remediation.web;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.fleet.TillerLookup;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.remediation.MigrationBackups;
import io.helmwarden.remediation.Helm3Conversions;
import io.helmwarden.remediation.PersonRights;
import io.helmwarden.remediation.PlanRefused;
import io.helmwarden.remediation.RunParameters;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationPermission;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import io.helmwarden.web.Audits;
import io.helmwarden.web.ObjectAccess;
import io.helmwarden.web.TypedConfirmation;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A remediation run: its live progress, and what can be done with it — resume a failed run, roll back a
 * finished migration, delete its backups now. Who may act is {@link RemediationPermission}'s rule; a refused
 * action is answered by {@link RemediationRefusals}.
 */
@Controller
class RemediationRunController {

    private static final String VIEW = "remediation/run";
    private static final int RECENT_RUNS = 100;

    private final FleetState fleet;
    private final TillerLookup tillers;
    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final ObjectAccess access;
    private final MigrationBackups backups;
    private final RemediationPermission permission;
    private final Visibility visibility;
    private final PersonRights personRights;
    private final Helm3Conversions conversions;

    RemediationRunController(FleetState fleet, TillerLookup tillers, RemediationExecutor executor, RemediationRuns runs,
            ObjectAccess access, MigrationBackups backups, RemediationPermission permission, Visibility visibility,
            PersonRights personRights, Helm3Conversions conversions) {
        this.conversions = conversions;
        this.personRights = personRights;
        this.visibility = visibility;
        this.fleet = fleet;
        this.tillers = tillers;
        this.executor = executor;
        this.runs = runs;
        this.access = access;
        this.backups = backups;
        this.permission = permission;
    }

    /** The recent runs the viewer may see, or those a bulk start just created. */
    @GetMapping("/remediations")
    String runs(@RequestParam(required = false) String ids, Authentication authentication, Model model) {
        addRuns(ids, authentication, model);
        return "remediation/runs";
    }

    /** The list htmx refreshes while any run goes on. */
    @HxRequest
    @GetMapping("/remediations")
    String runsFragment(@RequestParam(required = false) String ids, Authentication authentication, Model model) {
        addRuns(ids, authentication, model);
        return "remediation/runs :: list";
    }

    private void addRuns(String ids, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        List<RemediationRun> shown;
        if (ids == null || ids.isBlank()) {
            shown = runs.recent(RECENT_RUNS);
        } else {
            // Only run ids (UUIDs) are looked up, at most a page of them.
            shown = Arrays.stream(ids.split(",")).map(String::strip).filter(id -> id.matches("[0-9a-f-]{36}"))
                    .distinct().limit(RECENT_RUNS).map(runs::find).flatMap(Optional::stream).toList();
        }
        List<RemediationRun> visible = shown.stream()
                .filter(run -> visibility.maySeeOwnedBy(viewer, Optional.ofNullable(run.team()))).toList();
        model.addAttribute("runs", visible);
        model.addAttribute("ids", ids);
        model.addAttribute("anyRunning", visible.stream().anyMatch(run -> !run.finished()));
    }

    @GetMapping("/remediation-runs/{id}")
    String run(@PathVariable String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        return VIEW;
    }

    /** The progress fragment htmx polls while the run goes on. */
    @HxRequest
    @GetMapping("/remediation-runs/{id}")
    String runFragment(@PathVariable String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        return VIEW + " :: progress";
    }

    /**
     * Undoes a finished migration (the rollback is itself a run, previewed by its steps): it stops Tiller and
     * switches its storage, so the Tiller's full name must be typed, as for the migration.
     */
    @PostMapping("/remediation-runs/{id}/rollback")
    String rollback(@PathVariable String id, TypedConfirmation confirmation, Authentication authentication,
            Model model, HttpServletResponse response) {
        RemediationRun migration = runToActOn(id, authentication, model);
        if (!confirmation.confirms(migration.tillerId())) {
            return notConfirmed(model, response, TypedConfirmation.ask(migration.tillerId(), "the rollback"));
        }
        if (backups.remaining(migration) == 0) {
            throw new PlanRefused("The backups were deleted: there are no ConfigMaps to roll back to.");
        }
        var person = Audits.actor(authentication);
        personRights.check(RemediationKind.ROLLBACK_STORAGE, migration.tillerId(), migration.storageNamespace(),
                RunParameters.none(), person).flatMap(PersonRights.Check::refusal).ifPresent(reason -> {
                    throw new PlanRefused(reason);
                });
        return "redirect:/remediation-runs/" + executor.startRollback(migration, person).id();
    }

    /**
     * Undoes a conversion to Helm 3 while Helm 3 has not acted on it: the Helm 3 records go, Tiller lists the Helm 2
     * records again. The Tiller's full name must be typed, as for the conversion.
     */
    @PostMapping("/remediation-runs/{id}/undo-conversion")
    String undoConversion(@PathVariable String id, TypedConfirmation confirmation, Authentication authentication,
            Model model, HttpServletResponse response) {
        RemediationRun conversion = runToActOn(id, authentication, model);
        if (!confirmation.confirms(conversion.tillerId())) {
            return notConfirmed(model, response, TypedConfirmation.ask(conversion.tillerId(), "the undo"));
        }
        conversions.undoRefusal(conversion).ifPresent(reason -> {
            throw new PlanRefused(reason);
        });
        var person = Audits.actor(authentication);
        personRights.check(RemediationKind.UNDO_HELM3_CONVERSION, conversion.tillerId(), conversion.storageNamespace(),
                conversion.parameters(), person).flatMap(PersonRights.Check::refusal).ifPresent(reason -> {
                    throw new PlanRefused(reason);
                });
        return "redirect:/remediation-runs/" + executor.startUndo(conversion, person).id();
    }

    /** A failed run continues from its failed step once its cause is fixed. */
    @PostMapping("/remediation-runs/{id}/resume")
    String resume(@PathVariable String id, Authentication authentication, Model model) {
        RemediationRun failed = runToActOn(id, authentication, model);
        executor.resumeFailed(failed, Audits.actor(authentication));
        return "redirect:/remediation-runs/" + failed.id();
    }

    /**
     * The backups still hold every release's values: deleting them ends that exposure before retention does,
     * and cannot be undone, so the Tiller's full name must be typed. The result is shown after a redirect.
     */
    @PostMapping("/remediation-runs/{id}/delete-backups")
    String deleteBackups(@PathVariable String id, TypedConfirmation confirmation, Authentication authentication,
            Model model, HttpServletResponse response, RedirectAttributes redirect) {
        RemediationRun migration = runToActOn(id, authentication, model);
        if (!confirmation.confirms(migration.tillerId())) {
            return notConfirmed(model, response, TypedConfirmation.ask(migration.tillerId(), "deleting the backups"));
        }
        int deleted = backups.deleteNow(migration, Audits.actor(authentication));
        redirect.addFlashAttribute("notice", deleted + " backup ConfigMaps deleted; the Secrets are Tiller's only records.");
        return "redirect:/remediation-runs/" + migration.id();
    }

    private static String notConfirmed(Model model, HttpServletResponse response, String error) {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        model.addAttribute("error", error);
        return VIEW;
    }

    /** A run the viewer may see (404 otherwise) and act on (403 otherwise, audited), added to the model. */
    private RemediationRun runToActOn(String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        RemediationRun run = (RemediationRun) model.getAttribute("run");
        Tiller tiller = tillers.find(run.cluster(), run.namespace(), run.tillerName(), authentication).tiller();
        if (!permission.mayRun(Viewer.of(authentication), tiller)) {
            throw new AccessDeniedException("may not remediate " + tiller.id());
        }
        return run;
    }

    private void addRun(String id, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        RemediationRun run = access.ownedOrNotFound(runs.find(id), r -> Optional.ofNullable(r.team()), authentication,
                event -> event.target(null, null, null, "Remediation run " + id),
                r -> event -> event.target(r.team(), r.cluster(), r.namespace(), "Remediation run " + r.id()));
        model.addAttribute("run", run);
        // Not "title": the layout's title fragment goes by that name, and would be printed in its place.
        model.addAttribute("runTitle", RemediationKind.of(run.remediation()).map(RemediationKind::runTitle)
                .orElse(run.remediation()));
        boolean mayAct = fleet.visibleTo(viewer).tiller(run.tillerId()).map(state -> permission.mayRun(viewer,
                state.tiller())).orElse(false);
        boolean finishedMigration = RemediationKind.of(run.remediation()).equals(Optional.of(RemediationKind.MIGRATE_STORAGE))
                && run.state() == RemediationRun.State.DONE;
        // A migration rolled back since offers neither rollback nor backups: the rollback run says what happened.
        var rollback = finishedMigration ? runs.forTiller(run.tillerId()).stream()
                .filter(r -> r.remediation().equals(RemediationKind.ROLLBACK_STORAGE.id()) && r.createdAt().isAfter(run.createdAt())
                        && r.state() != RemediationRun.State.FAILED)
                .findFirst() : Optional.<RemediationRun>empty();
        model.addAttribute("rollback", rollback.orElse(null));
        boolean current = finishedMigration && rollback.isEmpty();
        model.addAttribute("currentMigration", current);
        model.addAttribute("mayRollBack", mayAct && current);
        int remaining = current ? backups.remaining(run) : 0;
        model.addAttribute("backupsRemaining", remaining);
        model.addAttribute("mayDeleteBackups", mayAct && current && remaining > 0);
        model.addAttribute("mayResume", mayAct && run.state() == RemediationRun.State.FAILED);
        boolean finishedConversion = RemediationKind.of(run.remediation()).equals(Optional.of(RemediationKind.CONVERT_TO_HELM3))
                && run.finished();
        model.addAttribute("conversion", finishedConversion);
        if (finishedConversion) {
            var written = conversions.written(run);
            model.addAttribute("converted", written);
            Optional<String> undoRefusal = conversions.undoRefusal(run);
            model.addAttribute("undoRefusal", undoRefusal.orElse(null));
            model.addAttribute("mayUndo", mayAct && undoRefusal.isEmpty());
        }
    }
}

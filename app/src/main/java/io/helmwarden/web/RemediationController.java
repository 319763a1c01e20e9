package io.helmwarden.web;

import io.helmwarden.fleet.FleetState;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.remediation.HardeningPlan;
import io.helmwarden.remediation.MigrationBackups;
import io.helmwarden.remediation.MigrationPlan;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.remediation.RemediationRuns;
import io.helmwarden.tenancy.Viewer;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import jakarta.servlet.http.HttpServletResponse;
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
 * Guided remediation: the plan and its exact changes (a dry run, for anyone who may see the Tiller), a
 * confirmation by typing the Tiller's name, then the run's live progress; who may run it is
 * {@link RemediationPermission}'s rule.
 */
@Controller
class RemediationController {

    private static final String MIGRATION = "/tillers/{cluster}/{namespace}/{name}/remediations/" + MigrationPlan.REMEDIATION;

    private final FleetState fleet;
    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final ObjectAccess access;
    private final MigrationBackups backups;
    private final RemediationPermission permission;

    RemediationController(FleetState fleet, RemediationExecutor executor, RemediationRuns runs, ObjectAccess access,
            MigrationBackups backups, RemediationPermission permission) {
        this.fleet = fleet;
        this.executor = executor;
        this.runs = runs;
        this.access = access;
        this.backups = backups;
        this.permission = permission;
    }

    @GetMapping(MIGRATION)
    String preview(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            Authentication authentication, Model model) {
        Tiller tiller = access.tiller(cluster, namespace, name, authentication).tiller();
        addPreview(tiller, Viewer.of(authentication), model);
        return "remediation/preview";
    }

    @PostMapping(MIGRATION)
    String start(@PathVariable String cluster, @PathVariable String namespace, @PathVariable String name,
            @RequestParam(defaultValue = "") String confirm, Authentication authentication, Model model,
            HttpServletResponse response) {
        Tiller tiller = access.tiller(cluster, namespace, name, authentication).tiller();
        Viewer viewer = Viewer.of(authentication);
        if (!mayRun(viewer, tiller)) {
            throw new AccessDeniedException("may not remediate " + tiller.id());
        }
        // cluster/namespace/name: the same namespace and name exist on every cluster.
        String expected = tiller.id();
        String error;
        if (!expected.equals(confirm.strip())) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            error = "Type " + expected + " to confirm.";
        } else {
            try {
                RemediationRun run = executor.startStorageMigration(tiller, Audits.actor(authentication));
                return "redirect:/remediation-runs/" + run.id();
            } catch (RemediationRuns.AlreadyRunning | IllegalStateException e) {
                response.setStatus(HttpServletResponse.SC_CONFLICT);
                error = e.getMessage();
            }
        }
        addPreview(tiller, viewer, model);
        model.addAttribute("error", error);
        return "remediation/preview";
    }

    /**
     * Undoes a finished migration (the rollback is itself a run, previewed by its steps): it stops Tiller and
     * switches its storage, so the Tiller's full name must be typed, as for the migration.
     */
    @PostMapping("/remediation-runs/{id}/rollback")
    String rollback(@PathVariable String id, @RequestParam(defaultValue = "") String confirm,
            Authentication authentication, Model model, HttpServletResponse response) {
        RemediationRun migration = runToActOn(id, authentication, model);
        if (!migration.tillerId().equals(confirm.strip())) {
            return refused(model, response, HttpServletResponse.SC_BAD_REQUEST,
                    "Type " + migration.tillerId() + " to confirm the rollback.");
        }
        if (backups.remaining(migration) == 0) {
            return refused(model, response, HttpServletResponse.SC_CONFLICT,
                    "The backups were deleted: there are no ConfigMaps to roll back to.");
        }
        try {
            return "redirect:/remediation-runs/" + executor.startRollback(migration, Audits.actor(authentication)).id();
        } catch (RemediationRuns.AlreadyRunning | IllegalStateException e) {
            return refused(model, response, HttpServletResponse.SC_CONFLICT, e.getMessage());
        }
    }

    /** A failed run continues from its failed step once its cause is fixed. */
    @PostMapping("/remediation-runs/{id}/resume")
    String resume(@PathVariable String id, Authentication authentication, Model model, HttpServletResponse response) {
        RemediationRun failed = runToActOn(id, authentication, model);
        try {
            executor.resumeFailed(failed, Audits.actor(authentication));
            return "redirect:/remediation-runs/" + failed.id();
        } catch (RemediationRuns.AlreadyRunning | IllegalStateException e) {
            return refused(model, response, HttpServletResponse.SC_CONFLICT, e.getMessage());
        }
    }

    /**
     * The backups still hold every release's values: deleting them ends that exposure before retention does,
     * and cannot be undone, so the Tiller's full name must be typed. The result is shown after a redirect.
     */
    @PostMapping("/remediation-runs/{id}/delete-backups")
    String deleteBackups(@PathVariable String id, @RequestParam(defaultValue = "") String confirm,
            Authentication authentication, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        RemediationRun migration = runToActOn(id, authentication, model);
        if (!migration.tillerId().equals(confirm.strip())) {
            return refused(model, response, HttpServletResponse.SC_BAD_REQUEST,
                    "Type " + migration.tillerId() + " to confirm deleting the backups.");
        }
        int deleted = backups.deleteNow(migration, Audits.actor(authentication));
        redirect.addFlashAttribute("notice", deleted + " backup ConfigMaps deleted; the Secrets are Tiller's only records.");
        return "redirect:/remediation-runs/" + migration.id();
    }

    private static String refused(Model model, HttpServletResponse response, int status, String error) {
        response.setStatus(status);
        model.addAttribute("error", error);
        return "remediation/run";
    }

    @GetMapping("/remediation-runs/{id}")
    String run(@PathVariable String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        return "remediation/run";
    }

    /** The progress fragment htmx polls while the run goes on. */
    @HxRequest
    @GetMapping("/remediation-runs/{id}")
    String runFragment(@PathVariable String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        return "remediation/run :: progress";
    }

    /** A run the viewer may see (404 otherwise) and act on (403 otherwise, audited), added to the model. */
    private RemediationRun runToActOn(String id, Authentication authentication, Model model) {
        addRun(id, authentication, model);
        RemediationRun run = (RemediationRun) model.getAttribute("run");
        Tiller tiller = access.tiller(run.cluster(), run.namespace(), run.tillerName(), authentication).tiller();
        if (!mayRun(Viewer.of(authentication), tiller)) {
            throw new AccessDeniedException("may not remediate " + tiller.id());
        }
        return run;
    }

    private void addRun(String id, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        RemediationRun run = access.visibleOrNotFound(runs.find(id),
                r -> viewer.seesEverything() || r.team() != null && viewer.teams().contains(r.team()), authentication,
                event -> event.target(null, null, null, "Remediation run " + id),
                r -> event -> event.target(r.team(), r.cluster(), r.namespace(), "Remediation run " + r.id()));
        model.addAttribute("run", run);
        // Not "title": the layout's title fragment goes by that name, and would be printed in its place.
        model.addAttribute("runTitle", switch (run.remediation()) {
            case MigrationPlan.REMEDIATION -> "Migrating release records to Secrets";
            case MigrationPlan.ROLLBACK -> "Rolling back to ConfigMap storage";
            default -> HardeningPlan.Kind.of(run.remediation()).map(HardeningPlan.Kind::title).orElse(run.remediation());
        });
        boolean mayAct = fleet.tiller(run.tillerId()).map(state -> mayRun(viewer, state.tiller())).orElse(false);
        boolean finishedMigration = MigrationPlan.REMEDIATION.equals(run.remediation())
                && run.state() == RemediationRun.State.DONE;
        // A migration rolled back since offers neither rollback nor backups: the rollback run says what happened.
        var rollback = finishedMigration ? runs.forTiller(run.tillerId()).stream()
                .filter(r -> MigrationPlan.ROLLBACK.equals(r.remediation()) && r.createdAt().isAfter(run.createdAt())
                        && r.state() != RemediationRun.State.FAILED)
                .findFirst() : java.util.Optional.<RemediationRun>empty();
        model.addAttribute("rollback", rollback.orElse(null));
        boolean current = finishedMigration && rollback.isEmpty();
        model.addAttribute("mayRollBack", mayAct && current);
        int remaining = current ? backups.remaining(run) : 0;
        model.addAttribute("backupsRemaining", remaining);
        model.addAttribute("mayDeleteBackups", mayAct && current && remaining > 0);
        model.addAttribute("mayResume", mayAct && run.state() == RemediationRun.State.FAILED);
    }

    private void addPreview(Tiller tiller, Viewer viewer, Model model) {
        model.addAttribute("tiller", tiller);
        model.addAttribute("plan", MigrationPlan.of(tiller));
        model.addAttribute("mayRun", mayRun(viewer, tiller));
        model.addAttribute("runs", runs.forTiller(tiller.id()));
    }

    private boolean mayRun(Viewer viewer, Tiller tiller) {
        return permission.mayRun(viewer, tiller);
    }
}

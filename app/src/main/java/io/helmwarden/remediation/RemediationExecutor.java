package io.helmwarden.remediation;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.ClusterIdentity;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.NoPersonToActAs;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.cluster.ObjectGone;
import io.helmwarden.cluster.WriteConflict;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.pki.CertificateAuthorities;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Runs remediations step by step in the background: each step is recorded before and after it runs, and
 * audited; a run interrupted by a crash or restart is resumed from its first unfinished step when the app
 * starts again, and its steps, being idempotent, do not repeat their effects.
 */
@Service
public class RemediationExecutor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RemediationExecutor.class);

    /** How long a run's worker may stay silent before another replica takes the run over. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final RemediationRuns runs;
    /** Runs this instance works on now, so its own sweep never submits them twice. */
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final ClusterRegistry clusters;
    private final AuditLog audit;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "remediation");
        thread.setDaemon(true);
        return thread;
    });

    private final Clock clock;
    private final RemediationProperties properties;
    private final CertificateAuthorities certificates;
    private final ApplicationEventPublisher events;
    private final Teams teams;
    private final Helm3Ledger ledger;
    /** Fault-injection tests replace it; see {@link FaultPoint}. */
    volatile FaultPoint faults = FaultPoint.NONE;

    RemediationExecutor(RemediationRuns runs, ClusterRegistry clusters, AuditLog audit, Clock clock,
            RemediationProperties properties, CertificateAuthorities certificates, ApplicationEventPublisher events,
            Teams teams, Helm3Ledger ledger) {
        this.ledger = ledger;
        this.teams = teams;
        this.certificates = certificates;
        this.events = events;
        this.runs = runs;
        this.clusters = clusters;
        this.audit = audit;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Starts a remediation previewed on a Tiller's page, exactly as previewed: the plan's parameters are stored
     * with the run, so a resumed run does what the person confirmed.
     *
     * @throws PlanRefused when the plan refuses (the message says why) or another run holds the Tiller
     */
    public RemediationRun start(RemediationPlan plan, Tiller tiller, AuditEvent.Actor actor) {
        plan.refusal().ifPresent(reason -> refuse(tiller, plan.kind().id(), reason, actor));
        String remediation = plan.kind().id();
        RemediationRun run = runs.create(tiller.id(), tiller.team().orElse(null), plan.kind(), actor.subject(),
                tiller.storage().namespace(), plan.parameters(), clusterIdentity(actor));
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STARTED, AuditEntry.Outcome.SUCCESS)
                .target(tiller.team().orElse(null), tiller.cluster(), tiller.namespace(), "Tiller " + tiller.name())
                .details(remediation + " run " + run.id() + (plan.toAccept().isEmpty() ? ""
                        : "; accepted: " + String.join("; ", plan.toAccept()))));
        submit(run.id());
        return run;
    }

    /** How clusters know the person who started a run, kept with it (a resumed run acts as the same person). */
    private static Optional<ClusterIdentity> clusterIdentity(AuditEvent.Actor actor) {
        return ClusterIdentity.of(actor.clusterUser(), actor.clusterGroups());
    }

    /**
     * A refused start is audited for every team it concerns: a Tiller aimed at another team's namespace is that
     * team's business too, so its lead sees the attempt.
     */
    private void refuse(Tiller tiller, String remediation, String reason, AuditEvent.Actor actor) {
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_REFUSED, AuditEntry.Outcome.DENIED)
                .target(tiller.team().orElse(null), tiller.cluster(), tiller.namespace(), "Tiller " + tiller.name())
                .alsoConcerning(tiller.storage().namespace().isEmpty() ? List.of() : teams.owner(tiller.cluster(),
                        tiller.storage().namespace()).map(Team::id).stream().toList())
                .details(remediation + ": " + reason));
        throw new PlanRefused(reason);
    }

    /**
     * Creates a hardened Tiller as an approved request's plan says.
     *
     * @throws RemediationRuns.AlreadyRunning when a run already holds that Tiller's id
     */
    public RemediationRun startProvisioning(ProvisioningPlan plan, AuditEvent.Actor actor) {
        String namespace = plan.tillerId().namespace();
        RemediationRun run = runs.create(plan.tillerId().toString(), plan.team(), RemediationKind.PROVISION_TILLER,
                actor.subject(), namespace, plan.parameters(), clusterIdentity(actor));
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STARTED, AuditEntry.Outcome.SUCCESS)
                .target(plan.team(), run.cluster(), namespace, "Tiller " + run.tillerName())
                .details(RemediationKind.PROVISION_TILLER.id() + " run " + run.id()));
        submit(run.id());
        return run;
    }

    /**
     * Removes what provisioning created for a Tiller, as an approved decommission request's plan says.
     *
     * @throws RemediationRuns.AlreadyRunning when another run holds the Tiller
     */
    public RemediationRun startDecommission(DecommissionPlan plan, AuditEvent.Actor actor) {
        String namespace = plan.tillerId().namespace();
        RemediationRun run = runs.create(plan.tillerId().toString(), plan.team(), RemediationKind.DECOMMISSION_TILLER,
                actor.subject(), namespace, plan.parameters(), clusterIdentity(actor));
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STARTED, AuditEntry.Outcome.SUCCESS)
                .target(plan.team(), run.cluster(), namespace, "Tiller " + run.tillerName())
                .details(RemediationKind.DECOMMISSION_TILLER.id() + " run " + run.id() + (plan.keepRecords()
                        ? ", keeping " + plan.records() + " release records" : "")));
        submit(run.id());
        return run;
    }

    /**
     * Undoes a finished migration: Tiller reads ConfigMaps again, with every revision it wrote meanwhile.
     *
     * @throws PlanRefused when the run is not a finished migration, or another run holds the Tiller
     */
    public RemediationRun startRollback(RemediationRun migration, AuditEvent.Actor actor) {
        if (!RemediationKind.MIGRATE_STORAGE.id().equals(migration.remediation()) || migration.state() != RemediationRun.State.DONE) {
            throw new PlanRefused("only a finished migration can be rolled back");
        }
        RemediationRun run = runs.create(migration.tillerId(), migration.team(), RemediationKind.ROLLBACK_STORAGE,
                actor.subject(), migration.storageNamespace(), RunParameters.none(), clusterIdentity(actor));
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STARTED, AuditEntry.Outcome.SUCCESS)
                .target(migration.team(), migration.cluster(), migration.namespace(), "Tiller " + migration.tillerName())
                .details(RemediationKind.ROLLBACK_STORAGE.id() + " run " + run.id() + " of " + migration.id()));
        submit(run.id());
        return run;
    }

    /**
     * Undoes a conversion to Helm 3 while Helm 3 has not acted on it: its records are removed and Tiller lists the
     * Helm 2 records again. The undo covers exactly what the conversion covered.
     *
     * @throws PlanRefused when the run is not a finished conversion, or another run holds the Tiller
     */
    public RemediationRun startUndo(RemediationRun conversion, AuditEvent.Actor actor) {
        if (!RemediationKind.CONVERT_TO_HELM3.id().equals(conversion.remediation()) || !conversion.finished()) {
            throw new PlanRefused("only a finished or failed conversion to Helm 3 can be undone");
        }
        RunParameters from = conversion.parameters();
        RunParameters parameters = RunParameters.none()
                .with(RunParameters.Key.RELEASES, from.list(RunParameters.Key.RELEASES))
                .with(RunParameters.Key.NAMESPACES, from.list(RunParameters.Key.NAMESPACES))
                .with(RunParameters.Key.STORAGE_RESOURCE, from.required(RunParameters.Key.STORAGE_RESOURCE))
                .with(RunParameters.Key.CONVERSION_RUN, conversion.id());
        RemediationRun run = runs.create(conversion.tillerId(), conversion.team(), RemediationKind.UNDO_HELM3_CONVERSION,
                actor.subject(), conversion.storageNamespace(), parameters, clusterIdentity(actor));
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STARTED, AuditEntry.Outcome.SUCCESS)
                .target(conversion.team(), conversion.cluster(), conversion.namespace(), "Tiller " + conversion.tillerName())
                .details(RemediationKind.UNDO_HELM3_CONVERSION.id() + " run " + run.id() + " of " + conversion.id()));
        submit(run.id());
        return run;
    }

    /**
     * Resumes a failed run on a person's request, from its failed step: once the cause is fixed (a
     * conflicting object removed, a right granted, an API server back), the run completes what it started.
     *
     * @throws PlanRefused when the run has not failed, or another run holds the Tiller
     */
    public RemediationRun resumeFailed(RemediationRun failed, AuditEvent.Actor actor) {
        if (failed.state() != RemediationRun.State.FAILED) {
            throw new PlanRefused("only a failed run can be resumed");
        }
        runs.reopen(failed.id(), failed.tillerId());
        audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_RESUMED, AuditEntry.Outcome.SUCCESS)
                .target(failed.team(), failed.cluster(), failed.namespace(), "Tiller " + failed.tillerName())
                .details(failed.remediation() + " run " + failed.id() + " after: " + failed.error()));
        submit(failed.id());
        return runs.find(failed.id()).orElseThrow();
    }

    /**
     * Resumes what a crash or restart interrupted, here or on a replica that died: a run nobody has touched
     * for the lease is claimed (by one replica only) and continued from its first unfinished step.
     */
    @Scheduled(initialDelay = 0, fixedDelayString = "${helmwarden.remediation.resume-sweep:60s}")
    void resumeUnfinished() {
        for (RemediationRun run : runs.unfinished()) {
            if (!active.contains(run.id()) && runs.claim(run.id(), LEASE)) {
                log.info("resuming remediation run {} for {}", run.id(), run.tillerId());
                submit(run.id());
            }
        }
    }

    private void submit(String runId) {
        active.add(runId);
        worker.submit(() -> {
            try {
                execute(runId);
            } finally {
                active.remove(runId);
            }
        });
    }

    /** Runs every step not done yet, in order, in the calling thread (tests call it to resume a run). */
    void execute(String runId) {
        RemediationRun run = runs.find(runId).orElseThrow();
        if (run.finished()) {
            return;
        }
        String team = run.team();
        // A run naming no remediation of this version (a newer replica's, or edited by hand) does nothing.
        Optional<RemediationKind> kind = RemediationKind.of(run.remediation());
        Optional<String> outside = kind.isEmpty()
                ? Optional.of("no remediation is called " + run.remediation() + " in this version of Helm Warden")
                : outsideTeam(run);
        if (outside.isPresent()) {
            String reason = outside.get();
            runs.finish(runId, RemediationRun.State.FAILED, reason);
            events.publishEvent(new RemediationFinished(runId, kind.orElse(null), run.tiller(),
                    RemediationRun.State.FAILED, reason));
            audit.append(AuditEvent.by(new AuditEvent.Actor(run.requestedBy(), null, null), AuditAction.REMEDIATION_REFUSED,
                    AuditEntry.Outcome.DENIED).target(team, run.cluster(), run.namespace(), "Tiller " + run.tillerName())
                    .alsoConcerning(ownersOf(run)).details(run.remediation() + " run " + runId + ": " + reason));
            log.warn("remediation run {} refused: {}", runId, reason);
            return;
        }
        for (RemediationRun.StepState step : run.steps()) {
            if (step.status() == RemediationRun.StepStatus.DONE) {
                continue;
            }
            RemediationRun current = runs.find(runId).orElseThrow();
            var actor = new AuditEvent.Actor(current.requestedBy(), null, null);
            runs.stepStarted(runId, step.index());
            faults.reached("before " + step.name());
            // Acting as the person who started the run where the cluster acts as persons: the API server decides.
            try (ClusterObjects cluster = clusters.objectsFor(current.cluster(), current.actingAs())
                    .orElseThrow(() -> new StepFailed("cluster " + current.cluster() + " is gone"))) {
                String detail = kind.get().run(new StepContext(cluster, current, runs, certificates,
                        clock.instant().plus(properties.backupRetention()), faults, ledger), step.name());
                faults.reached("after " + step.name());
                runs.stepFinished(runId, step.index(), RemediationRun.StepStatus.DONE, detail);
                audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STEP, AuditEntry.Outcome.SUCCESS)
                        .target(team, current.cluster(), current.namespace(), "Tiller " + current.tillerName())
                        .details(step.name() + ": " + detail + " [" + cluster.identity() + "]"));
            } catch (RuntimeException e) {
                // Failures written for people keep their words; anything else says what it was.
                String reason = e instanceof StepFailed || e instanceof WriteConflict || e instanceof ObjectGone
                        || e instanceof NoPersonToActAs ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
                runs.stepFinished(runId, step.index(), RemediationRun.StepStatus.FAILED, reason);
                runs.finish(runId, RemediationRun.State.FAILED, step.name() + ": " + reason);
                events.publishEvent(new RemediationFinished(runId, kind.get(), current.tiller(),
                        RemediationRun.State.FAILED, step.name() + ": " + reason));
                audit.append(AuditEvent.by(actor, AuditAction.REMEDIATION_STEP, AuditEntry.Outcome.FAILURE)
                        .target(team, current.cluster(), current.namespace(), "Tiller " + current.tillerName())
                        .details(step.name() + ": " + reason));
                log.warn("remediation run {} failed at {}: {}", runId, step.name(), reason);
                return;
            }
        }
        runs.finish(runId, RemediationRun.State.DONE, null);
        events.publishEvent(new RemediationFinished(runId, kind.get(), run.tiller(), RemediationRun.State.DONE,
                null));
        audit.append(AuditEvent.by(new AuditEvent.Actor(run.requestedBy(), null, null), AuditAction.REMEDIATION_FINISHED,
                AuditEntry.Outcome.SUCCESS).target(team, run.cluster(), run.namespace(), "Tiller " + run.tillerName())
                .details(run.remediation() + " run " + runId));
    }

    /** Every namespace a run may write to: the Tiller's, its storage's, and those its parameters list. */
    private static Set<String> namespacesWritten(RemediationRun run) {
        Set<String> namespaces = new LinkedHashSet<>();
        namespaces.add(run.namespace());
        namespaces.add(run.storageNamespace() == null ? "" : run.storageNamespace());
        namespaces.addAll(run.parameters().list(RunParameters.Key.NAMESPACES));
        namespaces.addAll(run.parameters().roleBindingNamespaces());
        return namespaces;
    }

    /**
     * The last word before any write, whatever the plan said when it was previewed: every namespace the run
     * writes to must belong to the run's team (or, for an unowned Tiller, to no team).
     */
    Optional<String> outsideTeam(RemediationRun run) {
        if (!run.parameters().unknown().isEmpty()) {
            return Optional.of("the run was stored with parameters this version does not know (" + String.join(", ",
                    run.parameters().unknown()) + "): it is left to the version that started it");
        }
        Optional<String> team = Optional.ofNullable(run.team());
        for (String namespace : namespacesWritten(run)) {
            if (namespace.isEmpty()) {
                return Optional.of("the run would write to a namespace Helm Warden cannot resolve");
            }
            if (!teams.owner(run.cluster(), namespace).map(Team::id).equals(team)) {
                return Optional.of("namespace " + namespace + " is not " + team.map(t -> "team " + t + "'s")
                        .orElse("unowned") + ": Helm Warden writes nothing outside the Tiller's team");
            }
        }
        return Optional.empty();
    }

    /** The teams owning the namespaces a run writes (the audit event keeps each once, sorted). */
    private List<String> ownersOf(RemediationRun run) {
        return namespacesWritten(run).stream().filter(ns -> !ns.isEmpty())
                .flatMap(ns -> teams.owner(run.cluster(), ns).stream()).map(Team::id).toList();
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}

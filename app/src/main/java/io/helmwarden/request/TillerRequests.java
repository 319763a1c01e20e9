package io.helmwarden.request;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.remediation.DecommissionPlan;
import io.helmwarden.remediation.ProvisioningPlan;
import io.helmwarden.remediation.RemediationExecutor;
import io.helmwarden.remediation.RemediationFinished;
import io.helmwarden.remediation.RemediationKind;
import io.helmwarden.remediation.RemediationRun;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The request workflow: a team lead submits (validated), an admin approves (provisioning starts as a
 * remediation run) or rejects with a comment, the requester may withdraw before a decision, and the run's
 * end makes the request ready or failed. Every transition is a conditional update — two admins approving at
 * once provision once — recorded in the request's history and in the audit log.
 */
@Service
@EnableConfigurationProperties(ProvisioningProperties.class)
public class TillerRequests {

    /** What a lead asks for, as typed. */
    public record Draft(String team, String cluster, String namespaces, String justification, int historyMax,
            String helmVersion) {
    }

    /** The draft cannot be submitted: per field, what is wrong, for people. */
    public static class Invalid extends RuntimeException {
        private final Map<String, String> errors;

        Invalid(Map<String, String> errors) {
            super(String.join("; ", errors.values()));
            this.errors = Map.copyOf(errors);
        }

        public Map<String, String> errors() {
            return errors;
        }
    }

    /** The request is not in a state that allows this (someone else decided first, or it was withdrawn). */
    public static class Conflict extends RuntimeException {
        Conflict(String message) {
            super(message);
        }
    }

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final int MAX_NAMESPACES = 20;

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Teams teams;
    private final ClusterRegistry clusters;
    private final FleetState fleet;
    private final RemediationExecutor executor;
    private final AuditLog audit;
    private final ProvisioningProperties properties;

    TillerRequests(JdbcClient jdbc, TransactionTemplate transaction, Clock clock, Teams teams, ClusterRegistry clusters,
            FleetState fleet, RemediationExecutor executor, AuditLog audit, ProvisioningProperties properties) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
        this.teams = teams;
        this.clusters = clusters;
        this.fleet = fleet;
        this.executor = executor;
        this.audit = audit;
        this.properties = properties;
    }

    public ProvisioningProperties properties() {
        return properties;
    }

    /** Every problem with a draft, by field; empty when it may be submitted. */
    public Map<String, String> validate(Draft draft) {
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Team> team = teams.find(draft.team());
        if (team.isEmpty()) {
            errors.put("team", "Choose one of your teams.");
        }
        if (draft.cluster() == null || clusters.find(draft.cluster()).isEmpty()) {
            errors.put("cluster", "Choose a cluster Helm Warden watches.");
        }
        List<String> namespaces = namespaces(draft.namespaces());
        if (namespaces.isEmpty()) {
            errors.put("namespaces", "Name at least one namespace the Tiller may deploy to.");
        } else if (namespaces.size() > MAX_NAMESPACES) {
            errors.put("namespaces", "At most " + MAX_NAMESPACES + " namespaces per Tiller.");
        } else {
            namespaces.stream().filter(ns -> !DNS_LABEL.matcher(ns).matches()).findFirst().ifPresent(bad ->
                    errors.put("namespaces", "\"" + abbreviate(bad) + "\" is not a namespace name (lower-case letters,"
                            + " digits and dashes, at most 63, starting and ending with a letter or digit)."));
        }
        if (team.isPresent() && !errors.containsKey("cluster") && !errors.containsKey("namespaces")) {
            String cluster = draft.cluster();
            String tillerNamespace = properties.tillerNamespace(team.get().id());
            List<String> problems = new ArrayList<>();
            for (String ns : Stream.concat(Stream.of(tillerNamespace), namespaces.stream()).toList()) {
                // One answer whether another team owns it or nobody does: the form must not enumerate tenants.
                if (!team.get().owns(cluster, ns)) {
                    problems.add(ns + " is not one of team " + team.get().id() + "'s namespaces on " + cluster
                            + " (an administrator assigns namespaces to teams)");
                }
            }
            if (namespaces.contains(tillerNamespace)) {
                problems.add(tillerNamespace + " is the Tiller's own namespace; name the namespaces it deploys to");
            }
            if (!problems.isEmpty()) {
                errors.put("namespaces", String.join("; ", problems) + ".");
            }
            fleet.cluster(cluster).stream().flatMap(inventory -> inventory.tillers().stream())
                    .map(state -> state.tiller())
                    .filter(tiller -> tiller.team().equals(Optional.of(team.get().id()))
                            || tiller.namespace().equals(tillerNamespace))
                    .findFirst().ifPresent(tiller -> errors.put("cluster", "There is already a Tiller for team "
                            + team.get().id() + " on " + cluster + ": " + tiller.namespace() + "/" + tiller.name() + "."));
            if (!errors.containsKey("cluster") && all().stream().anyMatch(r -> r.state().open()
                    && r.team().equals(team.get().id()) && r.cluster().equals(cluster))) {
                errors.put("cluster", "Team " + team.get().id() + " already has an open request for " + cluster + ".");
            }
        }
        if (draft.justification() == null || draft.justification().isBlank()) {
            errors.put("justification", "Say why the team needs a Tiller.");
        } else if (draft.justification().length() > 2000) {
            errors.put("justification", "At most 2000 characters.");
        } else {
            directionControl(draft.justification()).ifPresent(problem -> errors.put("justification", problem));
        }
        if (draft.historyMax() < 1 || draft.historyMax() > 10_000) {
            errors.put("historyMax", "Between 1 and 10000 revisions per release.");
        }
        if (!properties.helmVersions().contains(draft.helmVersion())) {
            errors.put("helmVersion", "Choose one of " + properties.helmVersions() + ".");
        }
        return errors;
    }

    /**
     * Characters that reorder how text is shown (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) make a
     * justification or comment read differently from what is stored and audited: refused, with the reason.
     */
    static Optional<String> directionControl(String text) {
        return text == null ? Optional.empty() : text.codePoints()
                .filter(c -> c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069 || c == 0x200E || c == 0x200F
                        || c == 0x061C)
                .findFirst().stream().mapToObj(c -> "Remove the invisible text-direction character U+"
                        + String.format("%04X", c) + ": it makes the text read differently from what is stored.")
                .findFirst();
    }

    private static void refuseDirectionControls(String comment) {
        directionControl(comment).ifPresent(problem -> {
            throw new Invalid(Map.of("comment", problem));
        });
    }

    /**
     * @throws Invalid when the draft does not validate
     */
    public TillerRequest submit(Draft draft, AuditEvent.Actor actor) {
        Map<String, String> errors = validate(draft);
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        String tillerNamespace = properties.tillerNamespace(draft.team());
        transaction.executeWithoutResult(status -> {
            jdbc.sql("""
                    INSERT INTO tiller_request (id, team, cluster, tiller_namespace, namespaces, justification,
                        history_max, helm_version, state, requested_by, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SUBMITTED', ?, ?, ?)""")
                    .params(id, draft.team(), draft.cluster(), tillerNamespace,
                            String.join(",", namespaces(draft.namespaces())), draft.justification().strip(),
                            draft.historyMax(), draft.helmVersion(), actor.subject(), Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
            event(id, actor.subject(), null, TillerRequest.State.SUBMITTED, draft.justification().strip());
        });
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_SUBMITTED, "for " + request.namespaces());
        return request;
    }

    /** The requester takes it back before anyone decided. */
    public TillerRequest withdraw(String id, AuditEvent.Actor actor) {
        transition(id, TillerRequest.State.SUBMITTED, TillerRequest.State.WITHDRAWN, actor, null);
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_WITHDRAWN, null);
        return request;
    }

    public TillerRequest reject(String id, String comment, AuditEvent.Actor actor) {
        if (comment == null || comment.isBlank()) {
            throw new Invalid(Map.of("comment", "Say why the request is rejected."));
        }
        refuseDirectionControls(comment);
        transition(id, TillerRequest.State.SUBMITTED, TillerRequest.State.REJECTED, actor, comment.strip());
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_REJECTED, comment.strip());
        return request;
    }

    /**
     * Approves and starts provisioning. Of two admins approving at once, one wins; the other gets a
     * {@link Conflict} and nothing is provisioned twice.
     */
    public TillerRequest approve(String id, String comment, AuditEvent.Actor actor) {
        refuseDirectionControls(comment);
        transition(id, TillerRequest.State.SUBMITTED, TillerRequest.State.APPROVED, actor, comment);
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_APPROVED, comment);
        // Provisioning before the run starts: a fast run's end then always finds its request.
        transition(id, TillerRequest.State.APPROVED, TillerRequest.State.PROVISIONING, actor, null);
        RemediationRun run;
        try {
            run = executor.startProvisioning(plan(request), actor);
        } catch (RuntimeException e) {
            transition(id, TillerRequest.State.PROVISIONING, TillerRequest.State.FAILED, actor,
                    "provisioning could not start: " + e.getMessage());
            audited(find(id).orElseThrow(), actor, AuditAction.TILLER_REQUEST_FAILED, e.getMessage());
            throw new Conflict("Provisioning could not start: " + e.getMessage());
        }
        jdbc.sql("UPDATE tiller_request SET run_id = ? WHERE id = ?").params(run.id(), id).update();
        return find(id).orElseThrow();
    }

    /** A lead of the team asks to remove the Tiller. */
    public TillerRequest requestDecommission(String id, String comment, AuditEvent.Actor actor) {
        refuseDirectionControls(comment);
        transition(id, TillerRequest.State.READY, TillerRequest.State.DECOMMISSION_REQUESTED, actor, blankToNull(comment));
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_DECOMMISSION_REQUESTED, comment);
        return request;
    }

    /** An admin declines to remove it: the Tiller stays, ready. */
    public TillerRequest declineDecommission(String id, String comment, AuditEvent.Actor actor) {
        if (comment == null || comment.isBlank()) {
            throw new Invalid(Map.of("comment", "Say why the Tiller stays."));
        }
        refuseDirectionControls(comment);
        transition(id, TillerRequest.State.DECOMMISSION_REQUESTED, TillerRequest.State.READY, actor, comment.strip());
        TillerRequest request = find(id).orElseThrow();
        audited(request, actor, AuditAction.TILLER_REQUEST_DECOMMISSION_DECLINED, comment);
        return request;
    }

    /** An admin approves the removal; with {@code keepRecords} the Tiller's namespace and release records stay. */
    public TillerRequest approveDecommission(String id, boolean keepRecords, AuditEvent.Actor actor) {
        TillerRequest request = find(id).orElseThrow();
        DecommissionPlan plan = decommissionPlan(request, keepRecords);
        if (plan.records() > 0 && !keepRecords) {
            throw new Conflict(plan.records() + " release records remain: delete the releases first, or keep their records.");
        }
        transition(id, TillerRequest.State.DECOMMISSION_REQUESTED, TillerRequest.State.DECOMMISSIONING, actor,
                keepRecords ? "keeping " + plan.records() + " release records" : null);
        audited(request, actor, AuditAction.TILLER_REQUEST_DECOMMISSION_APPROVED, keepRecords ? "keeping records" : null);
        try {
            RemediationRun run = executor.startDecommission(plan, actor);
            jdbc.sql("UPDATE tiller_request SET run_id = ? WHERE id = ?").params(run.id(), id).update();
        } catch (RuntimeException e) {
            transition(id, TillerRequest.State.DECOMMISSIONING, TillerRequest.State.FAILED, actor,
                    "decommissioning could not start: " + e.getMessage());
            throw new Conflict("Decommissioning could not start: " + e.getMessage());
        }
        return find(id).orElseThrow();
    }

    /** What decommissioning will remove; the record count is the inventory's. */
    public DecommissionPlan decommissionPlan(TillerRequest request, boolean keepRecords) {
        int records = fleet.tiller(request.tillerId()).map(state -> state.tiller().records().size()).orElse(0);
        return DecommissionPlan.of(request.cluster(), request.team(), request.tillerNamespace(), request.namespaces(),
                records, keepRecords);
    }

    /** What provisioning will do, for the approving admin's preview. */
    public ProvisioningPlan plan(TillerRequest request) {
        Team team = teams.find(request.team()).orElseThrow();
        return ProvisioningPlan.of(request.cluster(), request.team(), request.tillerNamespace(), request.namespaces(),
                List.copyOf(team.groups().stream().sorted().toList()), request.historyMax(),
                properties.imageRepository() + ":" + request.helmVersion());
    }

    /** A provisioning or decommissioning run ended: its request moves on, or failed with the run's error. */
    @EventListener
    void onRunFinished(RemediationFinished finished) {
        boolean provisioning = finished.kind() == RemediationKind.PROVISION_TILLER;
        if (!provisioning && finished.kind() != RemediationKind.DECOMMISSION_TILLER) {
            return;
        }
        TillerRequest.State from = provisioning ? TillerRequest.State.PROVISIONING : TillerRequest.State.DECOMMISSIONING;
        jdbc.sql("SELECT id FROM tiller_request WHERE state = ? AND cluster = ? AND tiller_namespace = ?")
                .params(from.name(), finished.tiller().cluster(), finished.tiller().namespace()).query(String.class).optional()
                .ifPresent(id -> {
                    var actor = new AuditEvent.Actor("helm-warden", "Helm Warden", null);
                    boolean done = finished.state() == RemediationRun.State.DONE;
                    TillerRequest.State to = !done ? TillerRequest.State.FAILED
                            : provisioning ? TillerRequest.State.READY : TillerRequest.State.DECOMMISSIONED;
                    transition(id, from, to, actor, done ? null : finished.error());
                    audited(find(id).orElseThrow(), actor, !done ? AuditAction.TILLER_REQUEST_FAILED
                                    : provisioning ? AuditAction.TILLER_REQUEST_READY : AuditAction.TILLER_REQUEST_DECOMMISSIONED,
                            done ? "run " + finished.runId() : finished.error());
                });
    }

    public Optional<TillerRequest> find(String id) {
        return jdbc.sql("SELECT * FROM tiller_request WHERE id = ?").param(id).query(this::request).optional();
    }

    /** Newest first. */
    public List<TillerRequest> all() {
        return jdbc.sql("SELECT * FROM tiller_request ORDER BY created_at DESC").query(this::request).list();
    }

    private void transition(String id, TillerRequest.State from, TillerRequest.State to, AuditEvent.Actor actor,
            String comment) {
        transaction.executeWithoutResult(status -> {
            boolean decision = to == TillerRequest.State.APPROVED || to == TillerRequest.State.REJECTED;
            int changed = jdbc.sql("""
                    UPDATE tiller_request SET state = ?, updated_at = ?,
                        decided_by = CASE WHEN ? THEN ? ELSE decided_by END,
                        decision_comment = CASE WHEN ? THEN ? ELSE decision_comment END
                    WHERE id = ? AND state = ?""")
                    .params(to.name(), Timestamp.from(clock.instant()), decision, actor.subject(), decision, comment, id,
                            from.name())
                    .update();
            if (changed != 1) {
                TillerRequest.State now = find(id).map(TillerRequest::state).orElse(null);
                throw new Conflict("The request is " + (now == null ? "gone" : now.name().toLowerCase())
                        + ", not " + from.name().toLowerCase() + ": someone acted on it first.");
            }
            event(id, actor.subject(), from, to, comment);
        });
    }

    private void event(String id, String actor, TillerRequest.State from, TillerRequest.State to, String comment) {
        int seq = jdbc.sql("SELECT COALESCE(MAX(seq), 0) + 1 FROM tiller_request_event WHERE request_id = ?").param(id)
                .query(Integer.class).single();
        jdbc.sql("INSERT INTO tiller_request_event (request_id, seq, at, actor, from_state, to_state, comment)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(id, seq, Timestamp.from(clock.instant()), actor, from == null ? null : from.name(), to.name(),
                        comment)
                .update();
    }

    private void audited(TillerRequest request, AuditEvent.Actor actor, AuditAction action, String details) {
        audit.append(AuditEvent.by(actor, action, AuditEntry.Outcome.SUCCESS)
                .target(request.team(), request.cluster(), request.tillerNamespace(), "Tiller request " + request.id())
                .details(details));
    }

    private TillerRequest request(ResultSet rs, int row) throws SQLException {
        String id = rs.getString("id");
        List<TillerRequest.Event> history = jdbc.sql(
                        "SELECT * FROM tiller_request_event WHERE request_id = ? ORDER BY seq").param(id)
                .query((e, n) -> new TillerRequest.Event(e.getTimestamp("at").toInstant(), e.getString("actor"),
                        e.getString("from_state") == null ? null : TillerRequest.State.valueOf(e.getString("from_state")),
                        TillerRequest.State.valueOf(e.getString("to_state")), e.getString("comment")))
                .list();
        return new TillerRequest(id, rs.getString("team"), rs.getString("cluster"), rs.getString("tiller_namespace"),
                List.of(rs.getString("namespaces").split(",")), rs.getString("justification"), rs.getInt("history_max"),
                rs.getString("helm_version"), TillerRequest.State.valueOf(rs.getString("state")),
                rs.getString("requested_by"), rs.getString("decided_by"), rs.getString("decision_comment"),
                rs.getString("run_id"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), history);
    }

    static List<String> namespaces(String typed) {
        if (typed == null) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>(Arrays.stream(typed.strip().split("[,\\s]+"))
                .filter(name -> !name.isEmpty()).toList());
        return List.copyOf(names);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String abbreviate(String text) {
        return text.length() <= 70 ? text : text.substring(0, 70) + "…";
    }
}

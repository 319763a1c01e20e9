package io.helmwarden.tenancy;

import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Platform admins give a namespace (and so the Tillers in it) to a team, and take it back, from the UI: kept in
 * the database, audited for the team, and laid over the configuration in {@link Teams}. Only namespaces no
 * configured team owns can be given; the configuration stays the baseline. Every replica reloads the
 * assignments regularly, so one made on another replica takes effect here within the interval.
 */
@Service
public class NamespaceAssignments {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** A refused assignment; the message says why, for people. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final JdbcClient jdbc;
    private final Teams teams;
    private final AuditLog audit;
    private final Clock clock;

    NamespaceAssignments(JdbcClient jdbc, Teams teams, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.teams = teams;
        this.audit = audit;
        this.clock = clock;
        reload();
    }

    @Scheduled(fixedDelayString = "${helmwarden.teams-reload:15s}", initialDelayString = "${helmwarden.teams-reload:15s}")
    public void reload() {
        teams.assign(jdbc.sql("SELECT * FROM namespace_assignment").query((rs, row) -> new Teams.Assignment(
                rs.getString("cluster_id"), rs.getString("namespace"), rs.getString("team_id"),
                rs.getString("assigned_by"), rs.getTimestamp("assigned_at").toInstant())).list());
    }

    /**
     * @throws Refused when the namespace is not a namespace name, the team is unknown, or a team already owns it
     */
    public void assign(String cluster, String namespace, String team, AuditEvent.Actor actor) {
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw new Refused("\"" + abbreviate(namespace) + "\" is not a namespace name.");
        }
        if (teams.find(team).isEmpty()) {
            throw new Refused("Choose one of the configured teams.");
        }
        if (teams.configuredOwner(cluster, namespace)) {
            throw new Refused(namespace + " is given to a team by the configuration (helmwarden.teams): change it there.");
        }
        if (teams.owner(cluster, namespace).isPresent()) {
            throw new Refused(namespace + " already belongs to team " + teams.owner(cluster, namespace).get().id()
                    + ": take it back first.");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try {
            jdbc.sql("INSERT INTO namespace_assignment (cluster_id, namespace, team_id, assigned_by, assigned_at)"
                    + " VALUES (?, ?, ?, ?, ?)").params(cluster, namespace, team, actor.subject(), Timestamp.from(now))
                    .update();
        } catch (DuplicateKeyException e) {
            throw new Refused(namespace + " was just given to a team by someone else.");
        }
        audit.append(AuditEvent.by(actor, AuditAction.NAMESPACE_ASSIGNED, AuditEntry.Outcome.SUCCESS)
                .target(team, cluster, namespace, "Namespace " + namespace).details("given to team " + team));
        reload();
    }

    /** Takes back a namespace given from the UI; the configuration's are not the UI's to take. */
    public void release(String cluster, String namespace, AuditEvent.Actor actor) {
        var assignment = teams.assignment(cluster, namespace)
                .orElseThrow(() -> new Refused(namespace + " was not given to a team from here."));
        jdbc.sql("DELETE FROM namespace_assignment WHERE cluster_id = ? AND namespace = ?").params(cluster, namespace)
                .update();
        audit.append(AuditEvent.by(actor, AuditAction.NAMESPACE_UNASSIGNED, AuditEntry.Outcome.SUCCESS)
                .target(assignment.team(), cluster, namespace, "Namespace " + namespace)
                .details("taken back from team " + assignment.team()));
        reload();
    }

    public List<Teams.Assignment> of(String cluster) {
        return teams.assignments(cluster);
    }

    private static String abbreviate(String value) {
        return value == null ? "" : value.length() > 63 ? value.substring(0, 63) + "…" : value;
    }
}

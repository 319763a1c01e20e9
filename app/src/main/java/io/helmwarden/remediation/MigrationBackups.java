package io.helmwarden.remediation;

import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.inventory.TillerFlags;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The ConfigMaps a migration kept as backups still hold every release's values: they are deleted when their
 * retention ends (or at once, on request), but only while their Tiller still reads Secrets — a rolled-back
 * Tiller's ConfigMaps are its records again, and nothing is deleted then.
 */
@Component
public class MigrationBackups {

    private static final Logger log = LoggerFactory.getLogger(MigrationBackups.class);
    private static final AuditEvent.Actor RETENTION = new AuditEvent.Actor("helm-warden", "Backup retention", null);

    private final ClusterRegistry clusters;
    private final AuditLog audit;
    private final Clock clock;

    private final Teams teams;

    MigrationBackups(ClusterRegistry clusters, AuditLog audit, Clock clock, Teams teams) {
        this.teams = teams;
        this.clusters = clusters;
        this.audit = audit;
        this.clock = clock;
    }

    /** Deletes every backup whose retention has ended, in every cluster. */
    @Scheduled(initialDelay = 60_000, fixedDelayString = "${helmwarden.remediation.backup-sweep:1h}")
    public void deleteExpired() {
        Instant now = clock.instant();
        for (Cluster cluster : clusters.all()) {
            try {
                var backups = cluster.client().configMaps().inAnyNamespace().withLabel(StorageMigration.MIGRATED_LABEL, "true")
                        .list().getItems().stream().filter(backup -> expired(backup, now)).toList();
                delete(cluster, backups, RETENTION, "retention ended");
            } catch (RuntimeException e) {
                log.warn("cluster {}: cannot delete expired migration backups: {}", cluster.id(), e.getMessage());
            }
        }
    }

    /**
     * Deletes a migrated Tiller's backups now, on a person's request.
     *
     * @return how many were deleted
     */
    public int deleteNow(RemediationRun migration, AuditEvent.Actor actor) {
        Cluster cluster = clusters.find(migration.cluster()).orElseThrow(() -> new IllegalStateException("cluster gone"));
        var backups = cluster.client().configMaps().inNamespace(migration.storageNamespace())
                .withLabel(StorageMigration.MIGRATED_LABEL, "true").list().getItems();
        return delete(cluster, backups, actor, "deleted on request");
    }

    /** How many backups of a finished migration are left, as the API server has them now. */
    public int remaining(RemediationRun migration) {
        return clusters.find(migration.cluster()).map(cluster -> cluster.client().configMaps()
                .inNamespace(migration.storageNamespace()).withLabel(StorageMigration.MIGRATED_LABEL, "true").list()
                .getItems().size()).orElse(0);
    }

    private int delete(Cluster cluster, List<ConfigMap> backups, AuditEvent.Actor actor, String why) {
        int deleted = 0;
        for (ConfigMap backup : backups) {
            String namespace = backup.getMetadata().getNamespace();
            if (!tillerReadsSecrets(cluster.client(), namespace)) {
                continue;
            }
            cluster.client().configMaps().inNamespace(namespace).withName(backup.getMetadata().getName()).delete();
            audit.append(AuditEvent.by(actor, "backup-deleted", AuditEntry.Outcome.SUCCESS)
                    .target(teams.owner(cluster.id(), namespace).map(Team::id).orElse(null), cluster.id(), namespace,
                            "ConfigMap " + backup.getMetadata().getName()).details(why));
            deleted++;
        }
        return deleted;
    }

    /** Whether the Tiller whose records live in this namespace reads Secrets now (not rolled back). */
    private static boolean tillerReadsSecrets(KubernetesClient client, String namespace) {
        return client.apps().deployments().inNamespace(namespace).withLabel("name", "tiller").list().getItems().stream()
                .flatMap(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream())
                .anyMatch(container -> TillerFlags.parse(container.getCommand(), container.getArgs()).value("storage")
                        .map("secret"::equalsIgnoreCase).orElse(false));
    }

    private static boolean expired(ConfigMap backup, Instant now) {
        var annotations = backup.getMetadata().getAnnotations();
        String deleteAfter = annotations == null ? null : annotations.get(StorageMigration.DELETE_AFTER_ANNOTATION);
        try {
            return deleteAfter != null && Instant.parse(deleteAfter).isBefore(now);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

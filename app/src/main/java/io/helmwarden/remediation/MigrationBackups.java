package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.helmwarden.audit.AuditAction;
import io.helmwarden.audit.AuditEntry;
import io.helmwarden.audit.AuditEvent;
import io.helmwarden.audit.AuditLog;
import io.helmwarden.cluster.Cluster;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.inventory.TillerContainer;
import io.helmwarden.inventory.TillerFlags;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final Map<String, String> BACKUP = Map.of(StorageMigration.MIGRATED_LABEL, "true");
    private static final Map<String, String> HANDED_OVER = Map.of(io.helmwarden.release.ReleaseRecords.OWNER_LABEL,
            Helm2History.HANDED_OVER_OWNER);
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

    /**
     * Deletes every backup whose retention has ended, in every cluster: a migration's ConfigMaps, and the Helm 2
     * records of releases converted to Helm 3 once their Tiller was removed (only its removal dates them).
     */
    @Scheduled(initialDelay = 60_000, fixedDelayString = "${helmwarden.remediation.backup-sweep:1h}")
    public void deleteExpired() {
        Instant now = clock.instant();
        for (Cluster known : clusters.all()) {
            ClusterObjects cluster = clusters.objects(known.id()).orElseThrow();
            try {
                var backups = cluster.configMaps().listEverywhere(BACKUP).stream().filter(backup -> expired(backup, now))
                        .toList();
                delete(cluster, backups, RETENTION, "retention ended");
                deleteHandedOver(cluster, cluster.configMaps().listEverywhere(HANDED_OVER), now);
                deleteHandedOver(cluster, cluster.secrets().listEverywhere(HANDED_OVER), now);
            } catch (RuntimeException e) {
                log.warn("cluster {}: cannot delete expired backups: {}", known.id(), e.getMessage());
            }
        }
    }

    private void deleteHandedOver(ClusterObjects cluster, List<? extends HasMetadata> records, Instant now) {
        for (HasMetadata record : records) {
            if (!expired(record, now)) {
                continue;
            }
            String namespace = record.getMetadata().getNamespace();
            if (record instanceof Secret) {
                cluster.secrets().delete(namespace, record.getMetadata().getName());
            } else {
                cluster.configMaps().delete(namespace, record.getMetadata().getName());
            }
            audit.append(AuditEvent.by(RETENTION, AuditAction.BACKUP_DELETED, AuditEntry.Outcome.SUCCESS)
                    .target(teams.owner(cluster.clusterId(), namespace).map(Team::id).orElse(null), cluster.clusterId(),
                            namespace, record.getKind() + " " + record.getMetadata().getName())
                    .details("retention ended: a Helm 2 record of a release converted to Helm 3, its Tiller removed"));
        }
    }

    /**
     * Deletes a migrated Tiller's backups now, on a person's request.
     *
     * @return how many were deleted
     */
    public int deleteNow(RemediationRun migration, AuditEvent.Actor actor) {
        ClusterObjects cluster = clusters.objects(migration.cluster())
                .orElseThrow(() -> new PlanRefused("cluster " + migration.cluster() + " is no longer configured"));
        return delete(cluster, cluster.configMaps().list(migration.storageNamespace(), BACKUP), actor, "deleted on request");
    }

    /** How many backups of a finished migration are left, as the API server has them now. */
    public int remaining(RemediationRun migration) {
        return clusters.objects(migration.cluster())
                .map(cluster -> cluster.configMaps().list(migration.storageNamespace(), BACKUP).size()).orElse(0);
    }

    private int delete(ClusterObjects cluster, List<ConfigMap> backups, AuditEvent.Actor actor, String why) {
        int deleted = 0;
        for (ConfigMap backup : backups) {
            String namespace = backup.getMetadata().getNamespace();
            if (!tillerReadsSecrets(cluster, namespace)) {
                continue;
            }
            cluster.configMaps().delete(namespace, backup.getMetadata().getName());
            audit.append(AuditEvent.by(actor, AuditAction.BACKUP_DELETED, AuditEntry.Outcome.SUCCESS)
                    .target(teams.owner(cluster.clusterId(), namespace).map(Team::id).orElse(null), cluster.clusterId(), namespace,
                            "ConfigMap " + backup.getMetadata().getName()).details(why));
            deleted++;
        }
        return deleted;
    }

    /** Whether the Tiller whose records live in this namespace reads Secrets now (not rolled back). */
    private static boolean tillerReadsSecrets(ClusterObjects cluster, String namespace) {
        return cluster.deployments().list(namespace, Map.of("name", "tiller")).stream()
                .flatMap(deployment -> TillerContainer.of(deployment.getSpec().getTemplate().getSpec()).stream())
                .anyMatch(container -> TillerFlags.parse(container.getCommand(), container.getArgs()).value("storage")
                        .flatMap(ReleaseStorage::ofFlag).equals(Optional.of(ReleaseStorage.SECRET)));
    }

    private static boolean expired(HasMetadata backup, Instant now) {
        var annotations = backup.getMetadata().getAnnotations();
        String deleteAfter = annotations == null ? null : annotations.get(StorageMigration.DELETE_AFTER_ANNOTATION);
        try {
            return deleteAfter != null && Instant.parse(deleteAfter).isBefore(now);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}

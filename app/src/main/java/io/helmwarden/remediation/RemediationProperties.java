package io.helmwarden.remediation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the organisation decided about remediations ({@code helmwarden.remediation.*}).
 *
 * @param backupRetention   how long a migration keeps the ConfigMaps as backups
 * @param historyMax        the limit "Limit release history" sets
 * @param keepTillerService remove-service turns exposing Services into ClusterIP instead of deleting them
 * @param teamLeadsMayRun   team leads may run remediations on their teams' Tillers (platform admins always may)
 */
@ConfigurationProperties("helmwarden.remediation")
public record RemediationProperties(@DefaultValue("7d") Duration backupRetention, @DefaultValue("200") int historyMax,
        @DefaultValue("false") boolean keepTillerService, @DefaultValue("true") boolean teamLeadsMayRun) {
}

package io.helmwarden.remediation;

import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.pki.CertificateAuthorities;
import java.time.Instant;

/**
 * What a run's steps work with: the cluster's objects (the only way a step reaches a cluster), the run as
 * stored, and the services some steps need.
 *
 * @param deleteBackupsAfter when a migration's ConfigMap backups may be deleted
 * @param faults             where fault-injection tests break a run; {@link FaultPoint#NONE} otherwise
 * @param ledger             what conversions to Helm 3 wrote
 */
record StepContext(ClusterObjects cluster, RemediationRun run, RemediationRuns runs, CertificateAuthorities certificates,
        Instant deleteBackupsAfter, FaultPoint faults, Helm3Ledger ledger) {
}

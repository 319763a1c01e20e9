package io.helmwarden.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.KubeObjects;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.remediation.RunParameters.Key;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps of {@link RemediationKind#REMOVE_TILLER}: once its releases are Helm 3's, a Tiller goes for good —
 * more than helm-2to3's cleanup, which leaves {@code tiller-secret}, the service account and its rights (the
 * cluster-admin binding is the real risk) behind. The Helm 2 records it handed over stay as backups until their
 * retention ends. Deleting what is already gone is done, so a resumed run goes on where it stopped.
 */
final class TillerRemoval {

    private final StepContext context;
    private final ClusterObjects cluster;
    private final RemediationRun run;
    private final RunParameters parameters;
    private final Instant deleteBackupsAfter;

    TillerRemoval(StepContext context) {
        this.context = context;
        this.cluster = context.cluster();
        this.run = context.run();
        this.parameters = run.parameters();
        this.deleteBackupsAfter = context.deleteBackupsAfter();
    }

    /** Tiller lists no release any more: every one was converted (or deleted with helm 2). */
    String checkReleases() {
        Map<String, String> tillers = Map.of(ReleaseRecords.OWNER_LABEL, ReleaseRecords.OWNER_TILLER);
        int left = cluster.configMaps().list(run.storageNamespace(), tillers).size()
                + cluster.secrets().list(run.storageNamespace(), tillers).size();
        if (left > 0) {
            throw new StepFailed(left + " release records in " + run.storageNamespace() + " are still Helm 2's: convert"
                    + " those releases to Helm 3 first; nothing was removed");
        }
        return "no release record is Tiller's any more";
    }

    String quiesce() {
        return new StorageMigration(context).quiesce();
    }

    /** The handed-over Helm 2 records are kept until their retention ends; the backup sweep deletes them then. */
    String backups() {
        Map<String, String> handedOver = Map.of(ReleaseRecords.OWNER_LABEL, Helm2History.HANDED_OVER_OWNER);
        int kept = annotate(cluster.configMaps(), cluster.configMaps().list(run.storageNamespace(), handedOver))
                + annotate(cluster.secrets(), cluster.secrets().list(run.storageNamespace(), handedOver));
        return kept + " Helm 2 records kept as backups until " + deleteBackupsAfter;
    }

    private <T extends HasMetadata> int annotate(KubeObjects<T> objects, List<T> records) {
        for (T record : records) {
            objects.edit(run.storageNamespace(), record.getMetadata().getName(), object -> {
                if (object.getMetadata().getAnnotations() == null) {
                    object.getMetadata().setAnnotations(new HashMap<>());
                }
                object.getMetadata().getAnnotations().putIfAbsent(StorageMigration.DELETE_AFTER_ANNOTATION,
                        deleteBackupsAfter.toString());
            });
        }
        return records.size();
    }

    String deployment() {
        return delete(cluster.deployments(), run.tillerName());
    }

    String services() {
        List<String> done = new ArrayList<>();
        parameters.list(Key.SERVICES).forEach(name -> done.add(delete(cluster.services(), name)));
        return done.isEmpty() ? "no Service exposed it" : String.join("; ", done);
    }

    String tlsSecret() {
        return parameters.text(Key.SECRET).map(name -> delete(cluster.secrets(), name)).orElse("it had no TLS Secret");
    }

    String roleBindings() {
        return new TillerRights(context).outsideBindings();
    }

    String clusterBindings() {
        return new TillerRights(context).clusterBindings();
    }

    String serviceAccount() {
        String account = parameters.required(Key.SERVICE_ACCOUNT);
        if ("default".equals(account)) {
            return "ServiceAccount default kept: the namespace's own, used by other pods";
        }
        return delete(cluster.serviceAccounts(), account);
    }

    private <T extends HasMetadata> String delete(KubeObjects<T> objects, String name) {
        String what = objects.describe(run.namespace(), name);
        if (objects.get(run.namespace(), name).isEmpty()) {
            return what + " already gone";
        }
        objects.delete(run.namespace(), name);
        return what + " deleted";
    }
}

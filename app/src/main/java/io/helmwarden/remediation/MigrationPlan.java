package io.helmwarden.remediation;

import io.helmwarden.inventory.ReleaseRecord;
import io.helmwarden.inventory.Tiller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plan to move a Tiller's release records from ConfigMaps to Secrets, computed from the inventory
 * alone: what each step will change, before and after. Nothing here touches a cluster.
 *
 * @param refusal why the migration cannot be planned, when it cannot
 */
public record MigrationPlan(String tillerId, List<PlanStep> steps, Optional<String> refusal) {

    public static final String REMEDIATION = "migrate-storage-to-secrets";
    public static final String ROLLBACK = "rollback-storage-to-configmaps";

    /** The steps every run executes, in order; their names key the executor's actions. */
    public static final List<String> STEP_NAMES = List.of("preflight", "quiesce", "copy", "verify", "switch", "resume",
            "retire");

    /**
     * Undoing a migration: records Tiller wrote or changed as Secrets since are copied back first, so the
     * ConfigMaps hold every revision again before Tiller reads them.
     */
    public static final List<String> ROLLBACK_STEP_NAMES = List.of("quiesce", "copy-back", "switch-back", "resume",
            "unretire");

    public static MigrationPlan of(Tiller tiller) {
        Optional<String> refusal = refusal(tiller);
        List<ReleaseRecord> records = tiller.records().stream().filter(r -> "ConfigMap".equals(r.kind())).toList();
        var flags = TillerFlag.set(tiller.command(), tiller.args(), "storage", "secret");
        List<PlanStep> steps = new ArrayList<>();
        steps.add(new PlanStep("preflight", "Check rights and name collisions",
                records.size() + " ConfigMap records in " + tiller.storage().namespace(),
                "no Secret of the same name with different content; records and sizes checked"));
        steps.add(new PlanStep("quiesce", "Stop Tiller so it cannot write mid-copy",
                "replicas: " + tiller.desiredReplicas(), "replicas: 0, no Tiller pod running"));
        steps.add(new PlanStep("copy", "Copy every record to a Secret",
                String.join(", ", records.stream().map(ReleaseRecord::objectName).limit(20).toList())
                        + (records.size() > 20 ? " and " + (records.size() - 20) + " more" : "") + " as ConfigMaps",
                "the same names, labels and payloads as Secrets (as Tiller's secret driver writes them)"));
        steps.add(new PlanStep("verify", "Verify each Secret against its ConfigMap",
                "-", "every Secret byte-identical to its ConfigMap, and each decodes as a Helm 2 release"));
        steps.add(new PlanStep("switch", "Switch Tiller to Secret storage",
                "command: " + tiller.command() + "\nargs: " + tiller.args(),
                "command: " + (flags.command() == null ? "[]" : flags.command()) + "\nargs: " + flags.args()));
        steps.add(new PlanStep("resume", "Start Tiller again", "replicas: 0", "replicas: " + tiller.desiredReplicas()));
        steps.add(new PlanStep("retire", "Keep the ConfigMaps as labelled backups",
                "ConfigMaps read by Tiller", "ConfigMaps labelled helm-warden.io/migrated=true, kept for rollback"));
        return new MigrationPlan(tiller.id(), List.copyOf(steps), refusal);
    }

    private static Optional<String> refusal(Tiller tiller) {
        return HardeningPlan.commonRefusal(tiller).or(() -> tiller.storage().inConfigMaps() ? Optional.empty()
                : Optional.of("this Tiller already stores releases in " + tiller.storage().backend()));
    }
}

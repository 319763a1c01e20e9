package io.helmwarden.remediation;

import io.helmwarden.cluster.ClusterObjects;
import io.helmwarden.cluster.ClusterRegistry;
import io.helmwarden.inventory.Tiller;
import io.helmwarden.release.ReleaseRecords;
import io.helmwarden.release.ReleaseStorage;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What pages need to know about conversions to Helm 3, read from the cluster with Helm Warden's own identity (as
 * every page is): a preview's survey of a Tiller's records, decoded and converted in memory (values never leave
 * it: only names, statuses and sizes do; a few releases are decoded at a time), and whether a conversion can still
 * be undone.
 */
@Component
public class Helm3Conversions {

    private final ClusterRegistry clusters;
    private final Teams teams;
    private final Helm3Ledger ledger;
    private final RemediationRuns runs;

    Helm3Conversions(ClusterRegistry clusters, Teams teams, Helm3Ledger ledger, RemediationRuns runs) {
        this.runs = runs;
        this.clusters = clusters;
        this.teams = teams;
        this.ledger = ledger;
    }

    /**
     * Why a finished conversion can no longer be undone from here, if it cannot: nothing of it is left, or Helm 3
     * has acted on what it wrote (an undo would lose that).
     */
    public Optional<String> undoRefusal(RemediationRun conversion) {
        Optional<RemediationRun> undone = runs.forTiller(conversion.tillerId()).stream()
                .filter(run -> RemediationKind.UNDO_HELM3_CONVERSION.id().equals(run.remediation())
                        && conversion.id().equals(run.parameters().text(RunParameters.Key.CONVERSION_RUN).orElse(""))
                        && run.state() != RemediationRun.State.FAILED)
                .findFirst();
        if (undone.isPresent()) {
            return Optional.of("This conversion was undone by run " + undone.get().id() + ".");
        }
        Optional<RemediationRun> removal = runs.forTiller(conversion.tillerId()).stream()
                .filter(run -> RemediationKind.REMOVE_TILLER.id().equals(run.remediation())
                        && run.state() == RemediationRun.State.DONE)
                .findFirst();
        if (removal.isPresent()) {
            // Giving the records back needs the Tiller that reads them: its Deployment went with that run.
            return Optional.of("The Tiller was removed by run " + removal.get().id() + ": there is no Tiller to give"
                    + " the releases back to. They stay Helm 3's; the Helm 2 records remain as backups labelled OWNER="
                    + Helm2History.HANDED_OVER_OWNER + " until their retention ends.");
        }
        List<Helm3Ledger.Entry> entries = ledger.forRun(conversion.id()).stream().filter(e -> !e.reverted()).toList();
        if (entries.isEmpty() && conversion.state() == RemediationRun.State.DONE) {
            return Optional.of("Nothing of this conversion is left in Helm 3.");
        }
        ClusterObjects cluster = clusters.objects(conversion.cluster()).orElse(null);
        if (cluster == null) {
            return Optional.of("Cluster " + conversion.cluster() + " is no longer configured.");
        }
        List<String> acted = Helm3Conversion.helm3Acted(cluster, entries);
        return acted.isEmpty() ? Optional.empty() : Optional.of("Helm 3 has acted on these releases since the"
                + " conversion (" + String.join("; ", acted) + "). Undoing it would lose what Helm 3 did, so it is"
                + " not offered; the Helm 2 records stay as backups, labelled OWNER=" + Helm2History.HANDED_OVER_OWNER + ".");
    }

    /** The records a conversion wrote, as the ledger has them. */
    public List<Helm3Ledger.Entry> written(RemediationRun conversion) {
        return ledger.forRun(conversion.id());
    }

    /**
     * @param release      one release of the Tiller, or empty for all of them
     * @param maxRevisions the newest N revisions of each; 0 for all
     */
    public Helm3Survey.Preview survey(Tiller tiller, Optional<String> release, int maxRevisions) {
        if (tiller.storage().foreign()) {
            // Records in another team's namespace are not this Tiller's team's to read, let alone convert.
            return new Helm3Survey.Preview(List.of(), Math.max(0, maxRevisions), release);
        }
        ClusterObjects cluster = clusters.objects(tiller.cluster())
                .orElseThrow(() -> new PlanRefused("cluster " + tiller.cluster() + " is no longer configured"));
        ReleaseStorage storage = ReleaseStorage.ofFlag(tiller.storage().backend())
                .orElseThrow(() -> new PlanRefused("this Tiller keeps its releases in " + tiller.storage().backend()
                        + ", which Helm Warden cannot read"));
        List<Helm3Survey.ReleaseConversion> releases = Collections.synchronizedList(new ArrayList<>());
        Helm3Conversion.Targets targets = new Helm3Conversion.Targets(cluster);
        // Releases decoded and converted a few at a time: a Tiller of thousands fits in memory.
        java.util.function.Consumer<Helm2History> survey = history -> {
            if (history.revisions().isEmpty()) {
                return;
            }
            // A payload names its own namespace: nothing is read in one that is not the Tiller's team's.
            String namespace = Helm3Survey.targetNamespace(history);
            Optional<String> owner = teams.owner(tiller.cluster(), namespace).map(Team::id);
            var facts = namespace.isEmpty() || owner.equals(tiller.team()) ? targets.facts(history)
                    : Helm3Survey.Facts.outside("namespace " + namespace + " is " + owner.map(t -> "team " + t + "'s")
                            .orElse("no team's") + ", not the Tiller's team's: Helm Warden writes nothing outside it",
                            cluster::serves);
            releases.add(Helm3Survey.of(history, Math.max(0, maxRevisions), facts));
        };
        if (release.isPresent()) {
            Helm2History.forEach(cluster, tiller.storage().namespace(), storage, List.of(release.get()),
                    ReleaseRecords.OWNER_TILLER, survey);
        } else {
            Helm2History.forEachRelease(cluster, tiller.storage().namespace(), storage, ReleaseRecords.OWNER_TILLER, survey);
        }
        releases.sort(Comparator.comparing(Helm3Survey.ReleaseConversion::release));
        return new Helm3Survey.Preview(List.copyOf(releases), Math.max(0, maxRevisions), release);
    }
}

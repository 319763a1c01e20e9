package io.helmwarden.fleet;

import io.helmwarden.check.Finding;
import io.helmwarden.check.Posture;
import io.helmwarden.inventory.Tiller;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * One cluster as Helm Warden judges it now: its Tillers, their findings and scores, its Helm 3 releases.
 *
 * @param errors per kind that could not be watched, the reason (the rest of the inventory still stands)
 */
public record ClusterInventory(String clusterId, String displayName, boolean synced, Instant computedAt,
        Map<String, String> errors, List<TillerState> tillers, List<Helm3Release> helm3Releases, OptionalInt score) {

    /**
     * The part of this cluster a viewer may see: the Tillers they may see, a score over those alone, and
     * no Helm 3 releases (those belong to no team).
     */
    public ClusterInventory restrictedTo(Predicate<TillerState> visible) {
        List<TillerState> kept = tillers.stream().filter(visible).toList();
        return new ClusterInventory(clusterId, displayName, synced, computedAt, errors, kept, List.of(),
                Posture.mean(kept.stream().map(TillerState::score).toList()));
    }

    /**
     * A Tiller with its findings and posture score.
     *
     * @param releases how many releases its records hold (the way out counts them on every Fleet page: once here)
     */
    public record TillerState(Tiller tiller, List<Finding> findings, int score, int releases) {

        public TillerState(Tiller tiller, List<Finding> findings, int score) {
            this(tiller, findings, score, (int) tiller.records().stream()
                    .map(io.helmwarden.inventory.ReleaseRecord::release).distinct().count());
        }

        public long openFindings() {
            return findings.stream().filter(finding -> !finding.exempt()).count();
        }
    }

    /** A Helm 3 release record (Secret owner=helm): migration progress, per namespace. */
    public record Helm3Release(String namespace, String name, int revision, String status) {
    }
}

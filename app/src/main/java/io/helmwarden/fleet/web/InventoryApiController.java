package io.helmwarden.fleet.web;

import io.helmwarden.check.Finding;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.Viewer;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The whole inventory with its findings as JSON, for tooling and the benchmark:
 * {@code GET /api/inventory}. Served from memory, like the pages.
 */
@RestController
class InventoryApiController {

    private final FleetState fleet;
    private final Clock clock;

    InventoryApiController(FleetState fleet, Clock clock) {
        this.fleet = fleet;
        this.clock = clock;
    }

    /** Cut to the viewer: team people get their teams' Tillers only. */
    @GetMapping("/api/inventory")
    InventoryExport inventory(Authentication authentication) {
        return new InventoryExport(clock.instant(), fleet.visibleTo(Viewer.of(authentication)).inventories());
    }

    /**
     * Every finding the viewer may see, most severe first, exempt ones included and marked {@code exempt}: what a
     * SIEM or a ticketing job pulls. Small next to the inventory (no release records), so it is the export to poll.
     */
    @GetMapping("/api/findings")
    FindingsExport findings(Authentication authentication) {
        List<Finding> findings = fleet.visibleTo(Viewer.of(authentication)).tillers().stream()
                .flatMap(state -> state.findings().stream())
                .sorted(Comparator.comparing(Finding::severity).thenComparing(Finding::tillerId)
                        .thenComparing(Finding::checkId))
                .toList();
        return new FindingsExport(clock.instant(), findings.size(), findings);
    }

    record InventoryExport(Instant generatedAt, List<ClusterInventory> clusters) {
    }

    record FindingsExport(Instant generatedAt, int count, List<Finding> findings) {
    }
}

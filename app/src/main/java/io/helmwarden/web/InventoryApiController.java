package io.helmwarden.web;

import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    @GetMapping("/api/inventory")
    InventoryExport inventory() {
        return new InventoryExport(clock.instant(), fleet.clusters());
    }

    record InventoryExport(Instant generatedAt, List<ClusterInventory> clusters) {
    }
}

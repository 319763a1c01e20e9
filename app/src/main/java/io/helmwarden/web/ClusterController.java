package io.helmwarden.web;

import io.helmwarden.cluster.ClusterHealth;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * One cluster: its sync state, its Tillers, and its Helm 3 releases per namespace (how far migration has
 * come). Team people see their teams' part of it, and a cluster where they own nothing answers 404.
 */
@Controller
class ClusterController {

    private final ClusterHealth health;
    private final FleetState fleet;
    private final Teams teams;
    private final ObjectAccess access;

    ClusterController(ClusterHealth health, FleetState fleet, Teams teams,
            ObjectAccess access) {
        this.health = health;
        this.fleet = fleet;
        this.teams = teams;
        this.access = access;
    }

    @GetMapping("/clusters/{id}")
    String cluster(@PathVariable String id, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        var cluster = access.cluster(id, authentication);
        var inventory = fleet.cluster(id);
        List<FleetController.TillerRow> rows = inventory.map(i -> i.tillers().stream()
                .filter(state -> viewer.maySee(state.tiller().team()))
                .map(state -> new FleetController.TillerRow(i, state)).toList()).orElse(List.of());
        Map<String, List<ClusterInventory.Helm3Release>> helm3 = new TreeMap<>(inventory.map(i -> i.helm3Releases().stream()
                .filter(release -> viewer.seesEverything() || teams.owner(id, release.namespace())
                        .map(team -> viewer.teams().contains(team.id())).orElse(false))
                .collect(Collectors.groupingBy(ClusterInventory.Helm3Release::namespace))).orElse(Map.of()));
        model.addAttribute("cluster", cluster);
        model.addAttribute("status", health.status(id));
        model.addAttribute("inventory", inventory.orElse(null));
        model.addAttribute("tillers", rows);
        model.addAttribute("helm3", helm3);
        model.addAttribute("helm2Releases", rows.stream().mapToLong(row -> row.tiller().records().stream()
                .map(record -> record.release()).distinct().count()).sum());
        return "cluster/index";
    }
}

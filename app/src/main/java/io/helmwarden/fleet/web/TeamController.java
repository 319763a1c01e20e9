package io.helmwarden.fleet.web;

import io.helmwarden.check.Finding;
import io.helmwarden.check.Posture;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.web.ObjectAccess;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** A team lead's home: the team's namespaces, Tillers and open findings. Other teams' pages answer 404. */
@Controller
class TeamController {

    private final FleetState fleet;
    private final ObjectAccess access;

    TeamController(FleetState fleet, ObjectAccess access) {
        this.fleet = fleet;
        this.access = access;
    }

    @GetMapping("/teams/{id}")
    String team(@PathVariable String id, Authentication authentication, Model model) {
        Team team = access.team(id, authentication);
        // The team's page shows its own Tillers; access.team() has already decided the viewer may see the team.
        List<TillerRow> rows = fleet.visibleTo(Viewer.of(authentication)).inventories().stream()
                .flatMap(inventory -> inventory.tillers().stream()
                        .filter(state -> state.tiller().team().equals(Optional.of(team.id())))
                        .map(state -> new TillerRow(inventory, state)))
                .toList();
        List<Finding> open = rows.stream().flatMap(row -> row.state().findings().stream())
                .filter(finding -> !finding.exempt())
                .sorted(Comparator.comparing(Finding::severity).thenComparing(Finding::tillerId))
                .toList();
        model.addAttribute("team", team);
        model.addAttribute("tillers", rows);
        model.addAttribute("findings", open);
        model.addAttribute("score", Posture.mean(rows.stream().map(row -> row.state().score()).toList()));
        return "team/index";
    }
}

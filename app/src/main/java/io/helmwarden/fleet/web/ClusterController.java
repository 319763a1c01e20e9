package io.helmwarden.fleet.web;

import io.helmwarden.cluster.ClusterHealth;
import io.helmwarden.fleet.ClusterInventory;
import io.helmwarden.fleet.FleetState;
import io.helmwarden.tenancy.NamespaceAssignments;
import io.helmwarden.tenancy.Role;
import io.helmwarden.tenancy.Team;
import io.helmwarden.tenancy.Teams;
import io.helmwarden.tenancy.Viewer;
import io.helmwarden.tenancy.Visibility;
import io.helmwarden.web.Audits;
import io.helmwarden.web.ObjectAccess;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

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
    private final NamespaceAssignments assignments;
    private final Visibility visibility;

    ClusterController(ClusterHealth health, FleetState fleet, Teams teams, ObjectAccess access,
            NamespaceAssignments assignments, Visibility visibility) {
        this.visibility = visibility;
        this.health = health;
        this.fleet = fleet;
        this.teams = teams;
        this.access = access;
        this.assignments = assignments;
    }

    @GetMapping("/clusters/{id}")
    String cluster(@PathVariable String id, Authentication authentication, Model model) {
        Viewer viewer = Viewer.of(authentication);
        var cluster = access.cluster(id, authentication);
        var inventory = fleet.cluster(id);
        var visible = fleet.visibleTo(viewer).inventory(id);
        List<TillerRow> rows = visible.map(i -> i.tillers().stream().map(state -> new TillerRow(i, state)).toList())
                .orElse(List.of());
        // Helm 3 releases belong to whoever owns their namespace (they have no Tiller).
        Map<String, List<ClusterInventory.Helm3Release>> helm3 = new TreeMap<>(inventory.map(i -> i.helm3Releases().stream()
                .filter(release -> visibility.maySeeNamespace(viewer, id, release.namespace()))
                .collect(Collectors.groupingBy(ClusterInventory.Helm3Release::namespace))).orElse(Map.of()));
        model.addAttribute("cluster", cluster);
        model.addAttribute("status", health.status(id));
        // What the page shows of the inventory (sync state, watch errors) comes from the viewer's cut of it.
        model.addAttribute("inventory", visible.orElse(null));
        model.addAttribute("tillers", rows);
        model.addAttribute("helm3", helm3);
        model.addAttribute("helm2Releases", rows.stream().mapToLong(row -> row.tiller().records().stream()
                .map(record -> record.release()).distinct().count()).sum());
        if (viewer.roles().contains(Role.PLATFORM_ADMIN)) {
            model.addAttribute("ownership", ownership(id, inventory.map(ClusterInventory::tillers).orElse(List.of())));
            model.addAttribute("teamChoices", teams.teams().stream().map(Team::id).sorted().toList());
        }
        return "cluster/index";
    }

    /** Platform admins give a namespace no configured team owns to a team; its Tillers are then that team's. */
    @PostMapping("/clusters/{id}/namespaces")
    String assign(@PathVariable String id, @RequestParam(defaultValue = "") String namespace,
            @RequestParam(defaultValue = "") String team, Authentication authentication, RedirectAttributes redirect) {
        access.cluster(id, authentication);
        requireAdmin(authentication);
        try {
            assignments.assign(id, namespace.strip(), team, Audits.actor(authentication));
            redirect.addFlashAttribute("notice", "Namespace " + namespace.strip() + " now belongs to team " + team
                    + ", and so do its Tillers.");
        } catch (NamespaceAssignments.Refused e) {
            redirect.addFlashAttribute("ownershipError", e.getMessage());
        }
        return "redirect:/clusters/" + id + "#ownership";
    }

    @PostMapping("/clusters/{id}/namespaces/{namespace}/release")
    String release(@PathVariable String id, @PathVariable String namespace, Authentication authentication,
            RedirectAttributes redirect) {
        access.cluster(id, authentication);
        requireAdmin(authentication);
        try {
            assignments.release(id, namespace, Audits.actor(authentication));
            redirect.addFlashAttribute("notice", "Namespace " + namespace + " was taken back: no team owns it now.");
        } catch (NamespaceAssignments.Refused e) {
            redirect.addFlashAttribute("ownershipError", e.getMessage());
        }
        return "redirect:/clusters/" + id + "#ownership";
    }

    private static void requireAdmin(Authentication authentication) {
        if (!Viewer.of(authentication).roles().contains(Role.PLATFORM_ADMIN)) {
            throw new AccessDeniedException("only platform admins assign namespaces");
        }
    }

    /**
     * The namespaces that matter on a cluster: where Tillers run and keep records, those teams are given, and
     * their owner with where the ownership comes from.
     */
    private List<OwnershipRow> ownership(String cluster, List<ClusterInventory.TillerState> tillers) {
        java.util.SortedSet<String> namespaces = new java.util.TreeSet<>();
        tillers.forEach(state -> {
            namespaces.add(state.tiller().namespace());
            if (!state.tiller().storage().namespace().isEmpty()) {
                namespaces.add(state.tiller().storage().namespace());
            }
        });
        teams.teams().forEach(team -> namespaces.addAll(team.namespaces().getOrDefault(cluster, List.of())));
        return namespaces.stream().map(namespace -> new OwnershipRow(namespace,
                teams.owner(cluster, namespace).map(Team::id).orElse(null),
                teams.configuredOwner(cluster, namespace), teams.assignment(cluster, namespace).orElse(null))).toList();
    }

    /** @param assignment how it was given from the UI, or null (configuration, or no owner) */
    record OwnershipRow(String namespace, String team, boolean configured, Teams.Assignment assignment) {
    }
}
